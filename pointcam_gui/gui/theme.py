"""Light and dark looks: one palette per theme, shared by Qt's palette, the style sheet and the
hand-painted class rows, so every widget agrees on its colours."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from pointcam_gui.resources import icon_path


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str
    panel: str
    text: str
    muted: str
    border: str
    accent: str
    accent_soft: str  # the target row's background
    bar: str  # probability bars
    bar_track: str
    badge: str  # the "predicted" badge
    notice: str  # the unfamiliar-part banner: a soft amber, calm rather than alarming
    notice_border: str
    notice_text: str
    notice_icon: str


LIGHT = Theme(dark=False, window="#eef0f3", panel="#ffffff", text="#1d2330", muted="#6a7282",
              border="#d9dde3", accent="#2563eb", accent_soft="#e3ecfd", bar="#5b8def",
              bar_track="#eceff3", badge="#0f9d58", notice="#fdf6e3", notice_border="#f0dcae",
              notice_text="#5a4616", notice_icon="#d49a1e")
DARK = Theme(dark=True, window="#1b1e24", panel="#23272f", text="#e5e8ee", muted="#98a1b0",
             border="#343a45", accent="#5b9cff", accent_soft="#2a3a57", bar="#5b8def",
             bar_track="#2e333d", badge="#34c27a", notice="#322d23", notice_border="#5a4a2b",
             notice_text="#ecdcb6", notice_icon="#e0a93a")


def theme_for(dark: bool) -> Theme:
    return DARK if dark else LIGHT


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Fusion style with the theme's palette and a small style sheet for the side panel."""
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.panel,
        QPalette.ColorRole.AlternateBase: theme.window,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: theme.panel,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Mid: theme.border,
        QPalette.ColorRole.Midlight: theme.border,
        QPalette.ColorRole.Dark: theme.muted,  # Fusion draws check box and frame edges with it
        QPalette.ColorRole.Light: theme.panel,
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(theme.muted))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText,
                     QColor(theme.muted))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor(theme.muted))
    app.setPalette(palette)
    app.setStyleSheet(style_sheet(theme))


def style_sheet(t: Theme) -> str:
    return f"""
    #SidePanel {{ background: {t.panel}; border-left: 1px solid {t.border}; }}
    #SidePanel QLabel {{ background: transparent; }}
    #Caption {{ color: {t.muted}; font-size: 8.5pt; font-weight: 600; letter-spacing: 1px; }}
    #PredictedName {{ color: {t.text}; font-size: 16pt; font-weight: 600; }}
    #PredictedProb {{ color: {t.accent}; font-size: 12pt; font-weight: 600; }}
    #Muted {{ color: {t.muted}; }}
    #TargetLine {{ color: {t.text}; }}
    #NoveltyBanner {{ background: {t.notice}; border: 1px solid {t.notice_border};
        border-radius: 6px; margin-bottom: 6px; }}
    #SidePanel QLabel#NoveltyText {{ color: {t.notice_text}; }}
    #SidePanel QLabel#NoveltyIcon {{ background: {t.notice_icon}; color: {t.notice};
        border-radius: 8px; font-weight: 700; font-size: 8.5pt; }}
    #Separator {{ background: {t.border}; max-height: 1px; min-height: 1px; border: none; }}
    QListView#ClassList {{ background: {t.panel}; border: none; outline: none; }}
    #PartList {{ background: {t.panel}; border-right: 1px solid {t.border}; }}
    #PartList QLabel {{ background: transparent; }}
    QTreeView#PartTree {{ background: {t.panel}; border: none; outline: none; }}
    QTreeView#PartTree::item {{ padding: 3px 0; }}
    #Welcome {{ background: {t.window}; }}
    #WelcomeTitle {{ color: {t.text}; font-size: 18pt; font-weight: 600; }}
    #WelcomeText {{ color: {t.muted}; font-size: 10.5pt; }}
    QStatusBar {{ background: {t.panel}; border-top: 1px solid {t.border}; color: {t.muted}; }}
    QStatusBar QLabel {{ color: {t.muted}; padding: 0 6px; }}
    QStatusBar::item {{ border: none; }}
    QComboBox, QPushButton {{ padding: 4px 8px; }}
    QToolTip {{ color: {t.text}; background: {t.panel}; border: 1px solid {t.border}; }}
    {check_box_sheet(t)}
    """


def check_box_sheet(t: Theme) -> str:
    """Check boxes drawn from the theme: Fusion outlines them in a shade of the window colour,
    which all but vanishes on a dark panel."""
    tick = icon_path("check.svg").as_posix()
    return f"""
    QCheckBox::indicator {{ width: 14px; height: 14px; border: 1px solid {t.muted};
        border-radius: 3px; background: {t.panel}; }}
    QCheckBox::indicator:hover {{ border-color: {t.accent}; }}
    QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent};
        image: url("{tick}"); }}
    QCheckBox::indicator:disabled {{ border-color: {t.border}; background: {t.window}; }}
    """
