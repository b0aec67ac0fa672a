// The built-in themes, embedded so an installed binary needs no source tree.
// Generated from Themes/*.toml: CASELOAD_UPDATE_BUILTIN_THEMES=1 swift test --filter CaseloadTUITests rewrites it,
// and a test fails when this file and Themes/ drift apart.

enum BuiltinThemes {
    static let texts: [String: String] = [
        "colorblind": #"""
# Colour-blind safe: the Okabe–Ito palette (orange, sky blue, bluish green, yellow, blue, vermillion,
# reddish purple). Red/green pairs are never the only difference: warnings also carry bold or underline.
name = "Colour-blind safe"
description = "Okabe–Ito palette on the terminal's background; states differ in attributes too."

[normal]
fg = "default"
bg = "default"

[dim]
fg = "#999999"

[title]
fg = "#000000"
bg = "#56b4e9"
attrs = ["bold"]

[header]
fg = "#56b4e9"
attrs = ["bold"]

[selection]
fg = "#000000"
bg = "#f0e442"

[selectionDim]
bg = "#444444"
attrs = ["underline"]

[tabActive]
fg = "#000000"
bg = "#e69f00"
attrs = ["bold"]

[tabInactive]
fg = "#bcbcbc"
bg = "#303030"

[border]
fg = "#6c6c6c"

[statusBar]
fg = "#d0d0d0"
bg = "#303030"

[statusKey]
fg = "#f0e442"
bg = "#303030"
attrs = ["bold"]

[commandLine]
fg = "bright-white"

[overdue]
fg = "#d55e00"
attrs = ["bold", "underline"]

[dueSoon]
fg = "#e69f00"
attrs = ["underline"]

[flag]
fg = "#cc79a7"
attrs = ["bold"]

[absent]
fg = "#d55e00"
attrs = ["bold"]

[present]
fg = "#009e73"

[positive]
fg = "#d55e00"
attrs = ["bold", "underline"]

[ok]
fg = "#009e73"

[warning]
fg = "#e69f00"
attrs = ["bold"]

[error]
fg = "#ffffff"
bg = "#d55e00"
attrs = ["bold"]

[info]
fg = "#56b4e9"

[highlight]
fg = "#000000"
bg = "#56b4e9"

[overlay]
fg = "#d0d0d0"
bg = "#262626"

[overlayTitle]
fg = "#000000"
bg = "#56b4e9"
attrs = ["bold"]

"""#,
        "default": #"""
# Caseload's default theme: dark, on the terminal's own background.
# Format: docs/themes.md. Roles not listed here look like [normal].
name = "Default"
description = "Dark: the terminal's own background with blue and amber accents."

[normal]
fg = "default"
bg = "default"

[dim]
fg = "#8a8a8a"

[title]
fg = "bright-white"
bg = "#005f87"
attrs = ["bold"]

[header]
fg = "#5fafd7"
attrs = ["bold"]

[selection]
fg = "black"
bg = "#5fafd7"

[selectionDim]
fg = "default"
bg = "#444444"

[tabActive]
fg = "black"
bg = "#d7af5f"
attrs = ["bold"]

[tabInactive]
fg = "#bcbcbc"
bg = "#303030"

[border]
fg = "#585858"

[statusBar]
fg = "#d0d0d0"
bg = "#303030"

[statusKey]
fg = "#ffd75f"
bg = "#303030"
attrs = ["bold"]

[commandLine]
fg = "bright-white"

[overdue]
fg = "#ff5f5f"
attrs = ["bold"]

[dueSoon]
fg = "#ffaf00"

[flag]
fg = "#ff87d7"
attrs = ["bold"]

[absent]
fg = "#ff5f5f"

[present]
fg = "#87d787"

[positive]
fg = "#ff5f5f"
attrs = ["bold"]

[ok]
fg = "#87d787"

[warning]
fg = "#ffaf00"
attrs = ["bold"]

[error]
fg = "bright-white"
bg = "#af0000"
attrs = ["bold"]

[info]
fg = "#87afd7"

[highlight]
fg = "black"
bg = "#ffd75f"

[overlay]
fg = "#d0d0d0"
bg = "#262626"

[overlayTitle]
fg = "bright-white"
bg = "#005f87"
attrs = ["bold"]

"""#,
        "high-contrast": #"""
# High contrast: pure black and white with saturated accents and heavy attributes, for low vision.
name = "High contrast"
description = "Bright white on black, bold accents, selection in reverse video."

[normal]
fg = "bright-white"
bg = "black"

[dim]
fg = "white"

[title]
fg = "black"
bg = "bright-white"
attrs = ["bold"]

[header]
fg = "bright-yellow"
attrs = ["bold", "underline"]

[selection]
fg = "black"
bg = "bright-yellow"
attrs = ["bold"]

[selectionDim]
fg = "bright-white"
attrs = ["underline"]

[tabActive]
fg = "black"
bg = "bright-white"
attrs = ["bold"]

[tabInactive]
fg = "bright-white"
attrs = ["underline"]

[border]
fg = "bright-white"

[statusBar]
fg = "black"
bg = "bright-white"

[statusKey]
fg = "black"
bg = "bright-white"
attrs = ["bold", "underline"]

[commandLine]
fg = "bright-white"
attrs = ["bold"]

[overdue]
fg = "bright-red"
attrs = ["bold", "underline"]

[dueSoon]
fg = "bright-yellow"
attrs = ["bold"]

[flag]
fg = "bright-magenta"
attrs = ["bold"]

[absent]
fg = "bright-red"
attrs = ["bold"]

[present]
fg = "bright-green"
attrs = ["bold"]

[positive]
fg = "bright-red"
attrs = ["bold", "underline"]

[ok]
fg = "bright-green"
attrs = ["bold"]

[warning]
fg = "bright-yellow"
attrs = ["bold"]

[error]
fg = "bright-white"
bg = "red"
attrs = ["bold"]

[info]
fg = "bright-cyan"
attrs = ["bold"]

[highlight]
fg = "black"
bg = "bright-cyan"
attrs = ["bold"]

[overlay]
fg = "bright-white"
bg = "black"

[overlayTitle]
fg = "black"
bg = "bright-white"
attrs = ["bold"]

"""#,
        "light": #"""
# Light: dark text on a white page, for bright rooms and light terminal profiles.
name = "Light"
description = "Dark text on a white background, with blue accents."

[normal]
fg = "#1c1c1c"
bg = "#ffffff"

[dim]
fg = "#6c6c6c"

[title]
fg = "#ffffff"
bg = "#005f87"
attrs = ["bold"]

[header]
fg = "#005f87"
attrs = ["bold"]

[selection]
fg = "#ffffff"
bg = "#0087af"

[selectionDim]
bg = "#d0d0d0"

[tabActive]
fg = "#ffffff"
bg = "#005f87"
attrs = ["bold"]

[tabInactive]
fg = "#3a3a3a"
bg = "#e4e4e4"

[border]
fg = "#a8a8a8"

[statusBar]
fg = "#1c1c1c"
bg = "#e4e4e4"

[statusKey]
fg = "#005f87"
bg = "#e4e4e4"
attrs = ["bold"]

[commandLine]
fg = "#000000"

[overdue]
fg = "#af0000"
attrs = ["bold"]

[dueSoon]
fg = "#875f00"

[flag]
fg = "#870087"
attrs = ["bold"]

[absent]
fg = "#af0000"

[present]
fg = "#005f00"

[positive]
fg = "#af0000"
attrs = ["bold"]

[ok]
fg = "#005f00"

[warning]
fg = "#875f00"
attrs = ["bold"]

[error]
fg = "#ffffff"
bg = "#af0000"
attrs = ["bold"]

[info]
fg = "#005f87"

[highlight]
fg = "#000000"
bg = "#ffd75f"

[overlay]
fg = "#1c1c1c"
bg = "#eeeeee"

[overlayTitle]
fg = "#ffffff"
bg = "#005f87"
attrs = ["bold"]

"""#,
        "monochrome": #"""
# Monochrome: no colour at all, only bold, underline, reverse and dim.
# Also what every theme falls back to on a terminal without colour or when NO_COLOR is set.
name = "Monochrome"
description = "Attributes only: works on any terminal and with NO_COLOR."

[normal]

[dim]
attrs = ["dim"]

[title]
attrs = ["reverse", "bold"]

[header]
attrs = ["bold", "underline"]

[selection]
attrs = ["reverse"]

[selectionDim]
attrs = ["underline"]

[tabActive]
attrs = ["reverse", "bold"]

[tabInactive]
attrs = ["underline"]

[border]
attrs = ["dim"]

[statusBar]
attrs = ["reverse"]

[statusKey]
attrs = ["reverse", "bold"]

[commandLine]
attrs = ["bold"]

[overdue]
attrs = ["bold", "underline"]

[dueSoon]
attrs = ["underline"]

[flag]
attrs = ["bold"]

[absent]
attrs = ["bold"]

[present]

[positive]
attrs = ["bold", "underline"]

[ok]

[warning]
attrs = ["bold"]

[error]
attrs = ["reverse", "bold"]

[info]

[highlight]
attrs = ["bold", "underline"]

[overlay]

[overlayTitle]
attrs = ["reverse", "bold"]

"""#,
    ]
}
