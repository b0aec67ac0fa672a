// The only C in Caseload: ncurses with wide-character support, plus inline wrappers for
// the globals and macros Swift 6 cannot use directly.
#ifndef CASELOAD_CNCURSES_SHIM_H
#define CASELOAD_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *cl_stdscr(void) { return stdscr; }
static inline int cl_lines(void) { return LINES; }
static inline int cl_cols(void) { return COLS; }
static inline int cl_colors(void) { return COLORS; }
static inline int cl_color_pairs(void) { return COLOR_PAIRS; }
static inline int cl_set_escdelay(int ms) { return set_escdelay(ms); }
static inline attr_t cl_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t cl_a_bold(void) { return A_BOLD; }
static inline attr_t cl_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cl_a_reverse(void) { return A_REVERSE; }
static inline attr_t cl_a_dim(void) { return A_DIM; }
static inline attr_t cl_a_normal(void) { return A_NORMAL; }
static inline int cl_key_resize(void) { return KEY_RESIZE; }
static inline int cl_err(void) { return ERR; }
static inline int cl_ok(void) { return OK; }
static inline int cl_key_code_yes(void) { return KEY_CODE_YES; }

/// The key code ncurses gives the key whose terminfo capability is `cap` (e.g. "kLFT5", Ctrl-Left),
/// or 0 when the terminal does not describe it.
static inline int cl_key_for_capability(const char *cap) {
    char *seq = tigetstr(cap);
    if (seq == NULL || seq == (char *)-1) return 0;
    int code = key_defined(seq);
    return code > 0 ? code : 0;
}

/// Columns the C library gives a character (wcwidth needs _XOPEN_SOURCE, which Swift's Glibc lacks).
extern int wcwidth(wchar_t);
static inline int cl_wcwidth(wchar_t c) { return wcwidth(c); }

/// Puts one grapheme (a base character plus up to CCHARW_MAX-1 combining marks) at y,x.
static inline int cl_put_cell(int y, int x, const wchar_t *wcs, attr_t attrs, short pair) {
    cchar_t cc;
    if (setcchar(&cc, wcs, attrs, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cc);
}
#endif
