"""The window's commands as QActions with their shortcuts, and the menus that list them."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

Key = QKeySequence.StandardKey
# What a standard key is bound to on this platform; a name of its own so that a test can ask what
# the window would bind on another platform (tests/ui/test_shortcuts.py).
standard_bindings = QKeySequence.keyBindings
_NAMED_KEYS = "fieldnotesNamedKeys"  # the keys a command was given by name ("Ctrl+Shift+F")


@dataclass
class Actions:
    new: QAction
    duplicate: QAction
    import_files: QAction
    export: QAction
    export_markdown: QAction
    export_pdf: QAction
    publish: QAction
    check_site: QAction
    site_settings: QAction
    restore_backup: QAction
    trash: QAction
    quit: QAction
    save: QAction
    undo: QAction
    redo: QAction
    cut: QAction
    copy: QAction
    copy_html: QAction
    paste: QAction
    select_all: QAction
    bold: QAction
    italic: QAction
    link: QAction
    code: QAction
    find: QAction
    replace: QAction
    find_entry: QAction
    focus_mode: QAction
    full_screen: QAction
    typewriter: QAction
    dim_others: QAction
    spell_check: QAction
    outline: QAction
    show_list: QAction
    show_preview: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    editor_font: QAction
    theme_system: QAction
    theme_light: QAction
    theme_dark: QAction
    show_trash: QAction
    restore: QAction
    empty_trash: QAction
    history: QAction
    snapshot: QAction
    cheat_sheet: QAction
    shortcuts: QAction
    about: QAction
    theme_group: QActionGroup

    def commands(self) -> list[QAction]:
        """Every command, in the order the menus list them."""
        found = (getattr(self, f.name) for f in fields(self))
        return [action for action in found if isinstance(action, QAction)]


def _action(parent: QWidget, text: str, *shortcuts: QKeySequence | Key | str,
            tip: str = "", checkable: bool = False) -> QAction:
    action = QAction(text, parent)
    keys = _unique_keys(shortcuts)
    if keys:
        action.setShortcuts(keys)
    action.setProperty(_NAMED_KEYS, [QKeySequence(s).toString() for s in shortcuts if isinstance(s, str)])
    if tip:
        action.setStatusTip(tip)
    action.setCheckable(checkable)
    parent.addAction(action)  # shortcuts keep working while the menu bar is hidden (focus mode)
    return action


def _unique_keys(shortcuts: tuple[QKeySequence | Key | str, ...]) -> list[QKeySequence]:
    """Every binding of `shortcuts` on this platform, each once.

    A standard key is whatever the platform binds it to (nothing offscreen, Ctrl+Q for Quit on
    X11), and a fallback is for the platforms that bind it to nothing: given both, X11 saw
    Ctrl+Q twice on one action, an ambiguous shortcut that Qt then refused to run.
    """
    keys: list[QKeySequence] = []
    for shortcut in shortcuts:
        if isinstance(shortcut, Key):
            found = standard_bindings(shortcut)
        else:
            found = [shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut)]
        keys += [key for key in found if not key.isEmpty() and key not in keys]
    return keys


def _named_keys_win(commands: list[QAction]) -> None:
    """A key that a command names itself is that command's, even where a platform also binds it
    to another command's standard key: KDE's standard full-screen key is Ctrl+Shift+F, which
    focus mode names, and one key on two commands runs neither.
    """
    named = {key for action in commands for key in action.property(_NAMED_KEYS) or ()}
    for action in commands:
        own = set(action.property(_NAMED_KEYS) or ())
        kept = [key for key in action.shortcuts() if key.toString() in own or key.toString() not in named]
        if len(kept) != len(action.shortcuts()):
            action.setShortcuts(kept)


def _shown(action: QAction) -> QAction:
    """A pane's toggle starts checked: the pane is there until the writer hides it."""
    action.setChecked(True)
    return action


def create_actions(window: QWidget) -> Actions:
    group = QActionGroup(window)
    themes = []
    for label in ("Follow the system", "Light", "Dark"):
        action = _action(window, label, checkable=True)
        group.addAction(action)
        themes.append(action)
    actions = Actions(
        new=_action(window, "&New entry", Key.New, tip="Start a new draft"),
        duplicate=_action(window, "&Duplicate entry", "Ctrl+Shift+D"),
        import_files=_action(window, "&Import…", "Ctrl+Shift+I"),
        export=_action(window, "&Export site…", "Ctrl+E"),
        export_markdown=_action(window, "Export as &Markdown…",
                                tip="Every entry as Markdown with front matter, laid out for Hugo or Jekyll"),
        export_pdf=_action(window, "Export as &PDF…", tip="The entry's page, as the preview shows it, as a PDF"),
        publish=_action(window, "P&ublish…", "Ctrl+Shift+P",
                        tip="Send the site to where it is published: only what changed since the last time"),
        check_site=_action(window, "&Check before publishing…", "Ctrl+Shift+K",
                           tip="Broken links, missing images and alt text, entry by entry"),
        site_settings=_action(window, "Site &settings…", "Ctrl+,"),
        restore_backup=_action(window, "Restore from &backup…",
                               tip="Put every entry back as it was in one of the daily backups"),
        trash=_action(window, "Move to &trash", Key.Delete),
        quit=_action(window, "&Quit", Key.Quit, "Ctrl+Q"),
        save=_action(window, "&Save now", Key.Save, tip="Saving is automatic; this also keeps a snapshot"),
        undo=_action(window, "&Undo", Key.Undo),
        redo=_action(window, "&Redo", Key.Redo),
        cut=_action(window, "Cu&t", Key.Cut),
        copy=_action(window, "&Copy", Key.Copy),
        copy_html=_action(window, "Copy as &HTML", "Ctrl+Alt+C",
                          tip="The entry's body, rendered, for pasting into a mail or a web editor"),
        paste=_action(window, "&Paste", Key.Paste),
        select_all=_action(window, "Select &all", Key.SelectAll),
        bold=_action(window, "&Bold", Key.Bold, "Ctrl+B", tip="**Strong** words, or the selection made so"),
        italic=_action(window, "&Italic", Key.Italic, "Ctrl+I", tip="*Emphasis* around the selection"),
        link=_action(window, "&Link…", "Ctrl+K", tip="A [link](https://) around the selection"),
        code=_action(window, "&Code", "Ctrl+Shift+C", tip="`Code` in a line, or a fenced block of lines"),
        find=_action(window, "&Find…", Key.Find),
        replace=_action(window, "Find and &replace…", "Ctrl+H", Key.Replace),
        find_entry=_action(window, "Search &entries", "Ctrl+L"),
        focus_mode=_action(window, "&Focus mode", "Ctrl+Shift+F", checkable=True,
                           tip="Only the title, the text and its word count"),
        full_screen=_action(window, "F&ull screen", Key.FullScreen, "F11", checkable=True),
        typewriter=_action(window, "&Typewriter scrolling", checkable=True,
                           tip="The line being written stays in the middle of the editor"),
        dim_others=_action(window, "&Dim all but the paragraph", checkable=True,
                           tip="Every paragraph but the one being written is drawn faint"),
        spell_check=_action(window, "Check &spelling", checkable=True),  # its tip says which dictionary
        outline=_action(window, "&Outline", "Ctrl+Shift+O", checkable=True,
                        tip="The entry's headings beside the text; click one to go there"),
        show_list=_shown(_action(window, "Entry &list", "Ctrl+Alt+L", checkable=True)),
        show_preview=_shown(_action(window, "&Preview", "Ctrl+Alt+P", checkable=True)),
        zoom_in=_action(window, "Zoom &in", Key.ZoomIn, "Ctrl+="),
        zoom_out=_action(window, "Zoom &out", Key.ZoomOut),
        zoom_reset=_action(window, "&Actual size", "Ctrl+0"),
        editor_font=_action(window, "Writing &font…", tip="The face the editor writes in (the page keeps its own)"),
        theme_system=themes[0],
        theme_light=themes[1],
        theme_dark=themes[2],
        show_trash=_action(window, "Show t&rash", "Ctrl+Shift+T", checkable=True),
        restore=_action(window, "Restore from trash", "Ctrl+Shift+R"),
        empty_trash=_action(window, "Empty trash…"),
        history=_action(window, "&History…", "Ctrl+Shift+H"),
        snapshot=_action(window, "&Snapshot now", "Ctrl+Alt+S"),
        cheat_sheet=_action(window, "&Markdown cheat sheet", Key.HelpContents, "F1"),
        shortcuts=_action(window, "&Keyboard shortcuts"),
        about=_action(window, "&About Field Notes"),
        theme_group=group,
    )
    _named_keys_win(actions.commands())
    return actions


def build_menus(menubar: QMenuBar, a: Actions) -> None:
    file = menubar.addMenu("&File")
    for item in (a.new, a.duplicate, None, a.import_files, a.export, a.export_markdown, a.export_pdf,
                 None, a.publish, a.check_site, a.site_settings, None,
                 a.restore_backup, None, a.trash, None, a.quit):
        file.addSeparator() if item is None else file.addAction(item)
    edit = menubar.addMenu("&Edit")
    for item in (a.undo, a.redo, None, a.cut, a.copy, a.copy_html, a.paste, a.select_all, None, a.find, a.replace,
                 None, a.find_entry, a.save):
        edit.addSeparator() if item is None else edit.addAction(item)
    format_menu = menubar.addMenu("F&ormat")
    for item in (a.bold, a.italic, a.code, None, a.link):
        format_menu.addSeparator() if item is None else format_menu.addAction(item)
    view = menubar.addMenu("&View")
    for item in (a.show_list, a.show_preview, a.outline, None, a.focus_mode, a.full_screen, a.typewriter,
                 a.dim_others, a.spell_check):
        view.addSeparator() if item is None else view.addAction(item)
    view.addSeparator()
    for item in (a.zoom_in, a.zoom_out, a.zoom_reset, a.editor_font):
        view.addAction(item)
    view.addSeparator()
    theme = view.addMenu("&Theme")
    for action in (a.theme_system, a.theme_light, a.theme_dark):
        theme.addAction(action)
    view.addSeparator()
    for item in (a.show_trash, a.restore, a.empty_trash):
        view.addAction(item)
    entry = menubar.addMenu("E&ntry")
    for item in (a.history, a.snapshot):
        entry.addAction(item)
    help_menu = menubar.addMenu("&Help")
    for item in (a.cheat_sheet, a.shortcuts, None, a.about):
        help_menu.addSeparator() if item is None else help_menu.addAction(item)
