// Input events as the front end decodes them from the terminal; view-models never see curses codes.

public enum Key: Hashable, Sendable {
    case char(Character)     // printable text, one grapheme
    case ctrl(Character)     // Ctrl-<letter>, lower case: .ctrl("l")
    case up, down, left, right
    case home, end, pageUp, pageDown
    /// Word and whole-text movement in editors (xterm's Ctrl+arrow / Ctrl+Home / Ctrl+End).
    case ctrlLeft, ctrlRight, ctrlHome, ctrlEnd
    /// Meta / Alt + a key (ESC then the key): Alt-b / Alt-f move by word, Alt-Backspace deletes a word.
    case alt(Character)
    case altBackspace
    case enter, tab, backTab, backspace, delete, escape
    case function(Int)
    case paste(String)       // a bracketed paste, delivered whole
}

public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case resize(Size)
    /// Periodic wake-up while idle (the front end sends it about once a second).
    case tick
    /// The terminal went away (SIGHUP, EIO) or SIGTERM arrived: save drafts, then exit.
    case hangup
}

/// What the front end must do after the view-model handled an event.
public enum Effect: Hashable, Sendable {
    case none
    case redraw              // the frame changed: render and blit it
    case fullRedraw          // Ctrl-L: clear the terminal and repaint everything
    case setTheme(String)    // load and apply a theme by name (the front end reports failure back)
    case quit
}
