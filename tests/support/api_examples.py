"""Example bodies from ../shared/docs/mysafe-api.md, verbatim where the doc gives them.

Each is (name, HTTP status, headers, body text). The doc's own typos are kept on
purpose: the client must accept every documented variant.
"""

from __future__ import annotations

OK_RESPONSE_LIST = (
    '"response": {"status":200,"message":"","error":false,"error_code":0,"detail":"",'
    '"mensagem":"","erro":false,"cod_erro":0}'
)
OK_RESPONSE_GET = (
    '"response": {"status":200,"message":"Success","error":false,"error_code":0,"detail":"",'
    '"mensagem":"Success","erro":false,"cod_erro":0}'
)

PASSWORD_LIST = (
    '{"code": 200, ' + OK_RESPONSE_LIST + ', "password_on_list": ['
    '{"identifier":"4","name":"gmail personal","url":"www.gmail.com",'
    '"username":"user@gmail.com","tags":"gmail","need_justify":"0","need_approval":"0",'
    '"can_view":true,"can_write":true}]}'
)

SECRET_LIST = (
    '{"code": 200, ' + OK_RESPONSE_LIST + ', "api_secret_on_list": ['
    '{"identifier":"3","name":"GCP1","need_justify":"0","need_approval":"0",'
    '"can_view":true,"can_write":true},'
    '{"identifier":"4","name":"GCP","need_justify":"1","need_approval":"1",'
    '"can_view":true,"can_write":true}]}'
)

PASSWORD_GET = (
    '{"code": 200, ' + OK_RESPONSE_GET + ', "password_entity": {'
    '"identifier":"5","name":"gmail corporate","url":"www.gmail.com","username":"corp@gmail.com",'
    '"password":"s3cr3t-Pa55","secret_key":null,"token":null,'
    '"notes":"my gmail password","tags":"gmail","users_allowed":[],"groups_allowed":[]}}'
)

# v3-32: the TOTP code as a bare number, "Message" with a capital M, no "code".
PASSWORD_GET_OLD = (
    '{"response": {"status":200,"Message":"Success","error":false,"error_code":0},'
    '"password_entity": {"identifier":5,"name":"gmail corporate","username":"corp@gmail.com",'
    '"password":"s3cr3t-Pa55","secret_key":"JBSWY3DPEHPK3PXP","token":452180,'
    '"note":"singular note","tags":"gmail","users_allowed":[{"username":"pduarte","can_write":true}],'
    '"groups_allowed":[{"name":"Test group","can_edit":false}]}}'
)

SECRET_GET = (
    '{"code": 200, ' + OK_RESPONSE_GET + ', "api_secret_entity": {'
    '"identifier":"3","name":"GCP1","url":"https://gcp1.com",'
    '"client_secret":"hy7464-very-secret","client_id":"hb455f","identifier_code":"12534",'
    '"method":"get","tags":"Cloud1","notes":"Access details for this API secret",'
    '"users_allowed":[{"name":"alices","can_edit":true}],"groups_allowed":[]}}'
)

# The create answer uses api_entity, username in shares and shared_error.
SECRET_CREATE = (
    '{"code": 201, "response": {"status":201,"message":"Api secret successfully registered",'
    '"error":false,"error_code":0,"detail":"","mensagem":"Api secret successfully registered",'
    '"erro":false,"cod_erro":0},"api_entity": {"identifier":"43","name":"GCP",'
    '"url":"https://gcp.com","client_secret":"gf5464-very-secret","client_id":"gf455f",'
    '"identifier_code":"hyga125","method":"get","tags":"Cloud","notes":"Access details",'
    '"users_allowed":[{"username":"pduarte","can_edit":true}],'
    '"groups_allowed":[{"name":"Test group","can_edit":false}],"shared_error":[]}}'
)


def write_ok(message: str) -> str:
    return (
        '{"code": 200, "response": {"status":200,"message":"' + message + '","error":false,'
        '"error_code":0,"detail":"","mensagem":"' + message + '","erro":false,"cod_erro":0}}'
    )


def write_ok_old(message: str) -> str:
    """The v3-32 shape: no code, no detail, Portuguese keys first."""
    return (
        '{"response": {"status": 200, "mensagem": "' + message + '", "erro": false, '
        '"cod_erro": 0, "message": "' + message + '", "error": false, "error_code": 0}}'
    )


def app_error(message: str, code: int) -> str:
    return (
        '{"code": 400, "response": {"status": 400, "message": "' + message + '", "error": true,'
        ' "error_code": 1, "detail": "", "mensagem": "' + message + '", "erro": true,'
        ' "cod_erro": 1}, "exception": {"code": '
        + str(code)
        + ', "message": "'
        + message
        + '", "detail": null}}'
    )


def app_error_old(message: str, code: int) -> str:
    return (
        '{"response": {"status": 400, "mensagem": "' + message + '", "erro": true, '
        '"cod_erro": 0, "message": "' + message + '", "error": true, "error_code": 0}, '
        '"exception": {"code": ' + str(code) + ', "message": "' + message + '", "detail": ""}}'
    )


def app_error_without_exception(message: str) -> str:
    """An error envelope whose code is only in the message prefix."""
    return (
        '{"response": {"status": 400, "message": "' + message + '", "error": true, '
        '"error_code": 1}}'
    )


KONG_NO_ROUTE_OLD = '{\n  "message":"no Route matched with those values"\n}'
KONG_NO_ROUTE_NEW = (
    '{\n  "message":"no Route matched with those values",\n'
    '  "request_id":"108134052a77553f758cf668b90e4c1d"\n}'
)
KONG_502 = (
    '{\n  "message":"An invalid response was received from the upstream server",\n'
    '  "request_id":"aa8134052a77553f758cf668b90e4c1d"\n}'
)
KONG_503 = '{\n  "message":"The upstream server is currently unavailable"\n}'
KONG_504 = '{\n  "message":"The upstream server is timing out"\n}'
KONG_500 = '{\n  "message":"An unexpected error occurred"\n}'
KONG_HTML = "<!doctype html><html><body><h1>An invalid response was received</h1></body></html>"
ENVELOPE_500 = (
    '{"code": 500, "response": {"status": 500, "message": "Unexpected error.", "error": true,'
    ' "error_code": 1, "detail": "", "mensagem": "Unexpected error.", "erro": true,'
    ' "cod_erro": 1}}'
)
NOT_AUTHORIZED = '{"message":"You are not authorized to access this resource."}'

TOKEN_OK = '{"token_type": "Bearer", "expires_in": 3600, "access_token": "eyJ0eXAiOiJKV1Qi.test"}'
TOKEN_OK_LOWER = '{"token_type": "bearer", "expires_in": "3600", "access_token": "abc.def"}'
TOKEN_LEAGUE_401 = (
    '{"error":"invalid_client","error_description":"Client authentication failed",'
    '"message":"Client authentication failed"}'
)
TOKEN_KONG_400 = '{"error":"invalid_client","error_description":"Invalid client authentication"}'
TOKEN_ENVELOPE_401 = (
    '{"response": {"status": 401, "message": "Invalid credentials", "error": true,'
    ' "error_code": 1}}'
)
