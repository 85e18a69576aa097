"""The confirmation's arming delay, apart from the dialog: the app defaults to it
without importing the dialog before its first frame."""

#: Keys pressed this soon after the key that opened the confirmation dialog are
#: ignored (key auto-repeat, type-ahead), by their own time stamps however late they
#: are handled.
ARMING_DELAY = 0.35
