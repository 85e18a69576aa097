"""The full-screen console (Textual): the app, its screens, dialogs and widgets, and the
terminal output layer. It hears the core through messages and shows what it decides."""
