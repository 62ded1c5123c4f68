"""The floor guide's check-in screen (Kivy): a thin view over `CheckInPresenter`.

Left: the code as typed, the code keys (the booking code alphabet) and the check-in
button; a text field that keeps the focus takes a keyboard-wedge scanner's text and its
Enter. Right: what to do (before), or the answer: the number, where to go first with the
map, the time to come back, or why the code was refused.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.textinput import TextInput
from kivy.utils import get_color_from_hex

from protocol.booking_code import CODE_ALPHABET, show_code

from . import i18n
from .checkin import CODE_LENGTH, CheckInPresenter
from .fonts import KIVY_NAME
from .widgets import BAND, SOFT, WARN, BigButton, Chip, Text, paint, picture

KIND_COLOURS = {"on_time": "#1B5E20", "late": "#E65100", "too_early": "#0D47A1",
                "error": "#B71C1C"}


class CheckInScreen(Screen):
    """Built by the guide's view (its header and language bar) each time it is shown."""

    def __init__(self, view, checkin: CheckInPresenter, **kw):
        super().__init__(name="checkin", **kw)
        self.view = view
        self.c = checkin
        self.scanner: TextInput | None = None

    def build(self) -> None:
        lang = self.c.lang
        body = self.view._page(self, i18n.t("booked_visit", lang))
        left = BoxLayout(orientation="vertical", spacing=10, size_hint_x=0.5)
        answer = self.c.answer
        shown = (answer.code if answer is not None and answer.code and not self.c.code
                 else show_code(self.c.code.ljust(CODE_LENGTH, "_")))
        left.add_widget(Text(shown, size=64, bold=True, halign="center", colour=BAND))
        # the scanner types into this field and presses Enter; the keys below need no keyboard
        self.scanner = TextInput(multiline=False, font_name=KIVY_NAME, font_size=20,
                                 size_hint_y=None, height=44,
                                 hint_text=i18n.t("scan_here", lang))
        self.scanner.bind(on_text_validate=lambda w: self.scanned(w.text))
        left.add_widget(self.scanner)
        keys = GridLayout(cols=8, spacing=6)
        for ch in CODE_ALPHABET:
            b = BigButton(ch, colour="#ECEFF1", text_colour=(0, 0, 0, 1), size=30,
                          size_hint=(1, 1))
            b.bind(on_release=lambda _b, k=ch: self.key(k))
            keys.add_widget(b)
        left.add_widget(keys)
        row = BoxLayout(size_hint_y=None, height=96, spacing=10)
        delete = BigButton(i18n.t("delete", lang), colour="#607D8B", size=28, height=96,
                           size_hint_x=0.35)
        delete.bind(on_release=lambda _b: self.key(""))
        row.add_widget(delete)
        go = BigButton(i18n.t("check_in", lang), colour="#2E7D32", size=36, height=96)
        go.bind(on_release=lambda _b: self.submit())
        row.add_widget(go)
        left.add_widget(row)
        body.add_widget(left)
        body.add_widget(self._answer())
        Clock.schedule_once(lambda _dt: self._focus(), 0)

    def _answer(self) -> BoxLayout:
        lang, answer = self.c.lang, self.c.answer
        panel = BoxLayout(orientation="vertical", spacing=8, size_hint_x=0.5, padding=12)
        paint(panel, SOFT, radius=12)
        if answer is None:
            panel.add_widget(Text(i18n.t("checkin_hint", lang), size=32, bold=True))
            panel.add_widget(BoxLayout())
            return panel
        colour = get_color_from_hex(KIND_COLOURS[answer.kind])
        if answer.number is not None:
            row = BoxLayout(size_hint_y=None, height=130, spacing=12)
            row.add_widget(Text(i18n.t("your_number", lang), size=32, bold=True,
                                halign="right", fixed_height=130))
            row.add_widget(Text(str(answer.number), size=110, bold=True, colour=colour,
                                fixed_height=130))
            panel.add_widget(row)
        panel.add_widget(Text(answer.message, size=28, bold=True, colour=colour))
        first = answer.first
        if first is not None and first.in_building:
            panel.add_widget(Chip(first.colour, f"{i18n.t('first_go_to', lang)}: {first.place}  "
                                                f"{first.floor_name}  ({first.colour_name})",
                                  size=24))
            panel.add_widget(picture(self.view.p.map_for(first, width_px=900)))
        if answer.printed:
            panel.add_widget(Text(answer.printed, size=26, bold=True,
                                  colour=BAND if answer.kind != "error" else WARN))
        if first is None:
            panel.add_widget(BoxLayout())
        return panel

    def _focus(self) -> None:
        if self.scanner is not None and self.view.current == "checkin":
            self.scanner.focus = True

    # ---- input ------------------------------------------------------------------------
    def key(self, ch: str) -> None:
        self.view.p.touched(self.view.clock())
        self.c.key(ch)
        self.build()

    def submit(self) -> None:
        self.view.p.touched(self.view.clock())
        self.c.submit()
        self.build()

    def scanned(self, text: str) -> None:
        """A keyboard-wedge scanner's text and Enter (or a code typed on a keyboard)."""
        self.view.p.touched(self.view.clock())
        self.c.submit(text)
        Clock.schedule_once(lambda _dt: self.build(), 0)  # the field finishes its event first

