"""The floor guide's Kivy screens: a thin view over `GuidePresenter`.

Screens: signage (idle), start (purposes, life events, search), results (procedures with
destination, live wait, what to bring and the floor map), search (kana keyboard),
questions (life-event questionnaire) and guidance (the ordered list, printable).
Every screen is rebuilt from the presenter when shown, so a language change or new live
data simply redraws it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput
from kivy.utils import get_color_from_hex

from . import i18n, printout
from .checkin import CheckInPresenter
from .checkin_app import CheckInScreen
from .fonts import KIVY_NAME
from .guide import Destination, GuidePresenter, Progress, ProgressUnavailable
from .widgets import BAND, PAPER, SOFT, WARN, BigButton, Chip, KanaPad, Text, paint, picture

CATEGORY_COLOURS = ("#1565C0", "#2E7D32", "#6A1B9A", "#AD1457", "#EF6C00")
SIGNAGE_SECONDS = 8.0
log = logging.getLogger(__name__)
LEVEL_COLOURS = {"high": "#B71C1C", "medium": "#E65100"}


class GuideView(ScreenManager):
    def __init__(self, presenter: GuidePresenter, printer=None,
                 clock: Callable[[], float] = time.monotonic, **kw):
        super().__init__(transition=NoTransition(), **kw)
        self.p = presenter
        self.printer = printer
        self.clock = clock
        self.category: str | None = None
        self.results: list[Destination] = []
        self.selected: str | None = None
        self.query = ""
        self.guidance: list[Destination] = []
        self.status = ""
        self.slide = 0
        self.number = ""
        self.progress: Progress | None = None
        for name in ("signage", "start", "results", "search", "questions", "guidance",
                     "progress"):
            self.add_widget(Screen(name=name))
        self.checkin = CheckInPresenter(presenter, printer)
        self.add_widget(CheckInScreen(self, self.checkin))
        self.p.live.on_change(lambda: Clock.schedule_once(lambda _dt: self.refresh_live()))
        self._idle_event = Clock.schedule_interval(lambda _dt: self.check_idle(), 1.0)
        self._slide_event = Clock.schedule_interval(lambda _dt: self.next_slide(), SIGNAGE_SECONDS)
        self.go("signage")

    def close(self) -> None:
        """Stop the view's timers (the app closes, or a test is done with it)."""
        self._idle_event.cancel()
        self._slide_event.cancel()

    # ---- navigation -------------------------------------------------------------------------
    def go(self, name: str) -> None:
        if name != "signage":
            self.p.touched(self.clock())
        self.status = ""
        getattr(self, f"_build_{name}")(self.get_screen(name))
        self.current = name

    def redraw(self) -> None:
        getattr(self, f"_build_{self.current}")(self.get_screen(self.current))

    def on_touch_down(self, touch):
        self.p.touched(self.clock())
        if self.current == "signage":
            self.go("start")
            return True
        return super().on_touch_down(touch)

    def check_idle(self) -> None:
        if self.current != "signage" and self.p.is_idle(self.clock()):
            self.p.reset()
            self.checkin.clear()
            self.go("signage")

    def next_slide(self) -> None:
        if self.current == "signage":
            self.slide = (self.slide + 1) % 3
            self.redraw()

    def refresh_live(self) -> None:
        if self.current in ("signage", "results", "guidance"):
            self._refetch()
            self.redraw()

    def _refetch(self) -> None:
        """Rebuild what is listed from the current configuration and waits; a procedure the
        new site configuration no longer has simply drops out."""
        known = self.p.config.procedures
        if self.current == "results":
            self.results = [self.p.destination(d.procedure.id) for d in self.results
                            if d.procedure.id in known]
            if self.selected not in known:
                self.selected = self.results[0].procedure.id if self.results else None
        if self.current == "guidance":
            self.guidance = self.p.guidance_list([d.procedure.id for d in self.guidance
                                                  if d.procedure.id in known])

    def set_language(self, lang: str) -> None:
        self.p.set_language(lang)
        self.status = ""
        if self.current == "progress" and self.progress is not None:
            self.show_progress()  # names and states in the new language
            return
        self._refetch()
        self.redraw()

    def open_category(self, category: str) -> None:
        self.category = category
        self.results = self.p.in_category(category)
        self.selected = self.results[0].procedure.id if self.results else None
        self.go("results")

    def open_results(self, results: list[Destination], selected: str) -> None:
        self.category = None
        self.results, self.selected = results, selected
        self.go("results")

    def select(self, procedure_id: str) -> None:
        self.selected = procedure_id
        self.redraw()

    def open_event(self, event_id: str) -> None:
        q = self.p.start_questionnaire(event_id)
        if q.done:
            self.show_guidance()
        else:
            self.go("questions")

    def answer(self, yes: bool) -> None:
        q = self.p.questionnaire
        q.answer(yes)
        if q.done:
            self.show_guidance()
        else:
            self.redraw()

    def question_back(self) -> None:
        if self.p.questionnaire.back():
            self.redraw()
        else:
            self.go("start")

    def show_guidance(self) -> None:
        self.guidance = self.p.guidance_list(self.p.questionnaire.procedures())
        self.go("guidance")

    def print_guidance(self) -> None:
        lang = self.p.lang
        title = i18n.name_of(self.p.questionnaire.event, lang)
        image = printout.render_guidance(self.p.config, title, self.guidance, lang)
        try:
            if self.printer is None:
                raise RuntimeError("no printer configured")
            printout.print_images(self.printer, [image])
            self.status = i18n.t("printed", lang)
        except Exception:  # the printer's errors vary by connection: show the citizen
            log.exception("printing the guidance list failed")
            self.status = i18n.t("print_failed", lang)
        self.redraw()

    def type_kana(self, ch: str) -> None:
        """A tap on the kana pad; "" is its delete key."""
        self.query = self.query + ch if ch else self.query[:-1]
        self.redraw()

    # ---- shared parts ----------------------------------------------------------------------
    def _header(self, title: str, home: bool = True) -> BoxLayout:
        lang = self.p.lang
        bar = BoxLayout(size_hint_y=None, height=96, padding=(16, 8), spacing=8)
        paint(bar, BAND)
        bar.add_widget(Text(title, size=30, bold=True, colour=PAPER, fixed_height=80,
                            size_hint_x=0.26))
        langs = BoxLayout(spacing=4, size_hint_x=0.62)
        for code in i18n.LANGUAGES:
            chosen = code == lang
            b = BigButton(i18n.LANGUAGE_NAMES[code], colour="#FFFFFF" if chosen else "#1E5BB8",
                          text_colour=BAND if chosen else PAPER, size=18, height=80, pad=2)
            b.bind(on_release=lambda _b, c=code: self.set_language(c))
            langs.add_widget(b)
        bar.add_widget(langs)
        if home:
            b = BigButton(i18n.t("home", lang), colour="#F9A825", text_colour=(0, 0, 0, 1),
                          size=26, height=80, size_hint_x=0.12)
            b.bind(on_release=lambda _b: self.go("start"))
            bar.add_widget(b)
        return bar

    def _page(self, screen: Screen, title: str, home: bool = True) -> BoxLayout:
        screen.clear_widgets()
        page = BoxLayout(orientation="vertical")
        paint(page, PAPER)
        page.add_widget(self._header(title, home))
        body = BoxLayout(padding=16, spacing=16)
        page.add_widget(body)
        screen.add_widget(page)
        return body

    def _wait_line(self, dest: Destination, size: int = 28) -> Text:
        colour = get_color_from_hex(LEVEL_COLOURS.get(dest.wait.level, "#1A1A1A"))
        return Text(dest.wait_text(self.p.lang), size=size, bold=True, colour=colour)

    # ---- screens --------------------------------------------------------------------------------
    def _build_signage(self, screen: Screen) -> None:
        p, lang = self.p, self.p.lang
        screen.clear_widgets()
        page = BoxLayout(orientation="vertical", padding=24, spacing=12)
        paint(page, SOFT)
        page.add_widget(Text(p.config.name_ja, size=46, bold=True, halign="center"))
        page.add_widget(Text(i18n.t("guide_title", lang) + " / Floor guide", size=34,
                             halign="center"))
        if self.slide == 0 and p.terminal_map() is not None:
            page.add_widget(Text(i18n.t("certificates_here", lang, terminal=p.terminal_name()),
                                 size=40, bold=True, halign="center", colour=BAND))
            page.add_widget(picture(p.terminal_map(width_px=1000)))
        elif self.slide == 1:
            page.add_widget(BoxLayout(size_hint_y=0.2))
            page.add_widget(Text(i18n.t("convenience_store", lang), size=44, bold=True,
                                 halign="center", colour=BAND))
            page.add_widget(Text(i18n.t("convenience_store", "en"), size=30, halign="center"))
            page.add_widget(BoxLayout())
        else:
            page.add_widget(Text(i18n.t("now_waiting", lang), size=40, bold=True, halign="center"))
            grid = GridLayout(cols=2, spacing=(24, 4), size_hint_y=None, padding=(120, 0))
            grid.bind(minimum_height=grid.setter("height"))
            for name, wait in p.waits_now():
                grid.add_widget(Text(name, size=30, fixed_height=46))
                text = wait.text(lang)
                grid.add_widget(Text(text, size=30, bold=True, fixed_height=46,
                                     colour=get_color_from_hex(LEVEL_COLOURS.get(wait.level, "#1A1A1A"))))
            page.add_widget(grid)
            page.add_widget(BoxLayout())
        page.add_widget(Text(i18n.t("touch_to_start", lang) + "  /  Touch to start", size=40,
                             bold=True, halign="center", colour=WARN))
        screen.add_widget(page)

    def _build_start(self, screen: Screen) -> None:
        p, lang = self.p, self.p.lang
        body = self._page(screen, i18n.t("guide_title", lang), home=False)
        left = BoxLayout(orientation="vertical", spacing=12, size_hint_x=0.64)
        left.add_widget(Text(i18n.t("choose_purpose", lang), size=36, bold=True))
        cats = GridLayout(cols=2, spacing=12, size_hint_y=None, height=3 * 100 + 24)
        for (cat, name), colour in zip(p.categories(), CATEGORY_COLOURS):
            b = BigButton(name, colour=colour, size=32, height=100)
            b.bind(on_release=lambda _b, c=cat: self.open_category(c))
            cats.add_widget(b)
        search = BigButton(i18n.t("search", lang), colour="#37474F", size=32, height=100)
        search.bind(on_release=lambda _b: self._open_search())
        cats.add_widget(search)
        left.add_widget(cats)
        left.add_widget(Text(i18n.t("life_events", lang), size=32, bold=True))
        events = GridLayout(cols=3, spacing=12, size_hint_y=None)
        events.bind(minimum_height=events.setter("height"))
        for event_id, name in p.life_events():
            b = BigButton(name, colour="#00695C", size=28, height=88)
            b.bind(on_release=lambda _b, e=event_id: self.open_event(e))
            events.add_widget(b)
        left.add_widget(events)
        left.add_widget(BoxLayout())
        body.add_widget(left)
        right = BoxLayout(orientation="vertical", spacing=10, size_hint_x=0.36, padding=12)
        paint(right, SOFT, radius=12)
        right.add_widget(Text(i18n.t("certificates_here", lang, terminal=p.terminal_name()),
                              size=30, bold=True, colour=BAND))
        if p.terminal_map() is not None:
            right.add_widget(picture(p.terminal_map(width_px=700)))
        right.add_widget(Text(i18n.t("convenience_store", lang), size=24))
        mine = BigButton(i18n.t("my_progress", lang), colour="#4E342E", size=26, height=84)
        mine.bind(on_release=lambda _b: self._open_progress())
        right.add_widget(mine)
        booked = BigButton(f"{i18n.t('booked_visit', lang)} / {i18n.t('booked_visit', 'en')}"
                           if lang != "en" else i18n.t("booked_visit", lang),
                           colour="#2E7D32", size=26, height=84)
        booked.bind(on_release=lambda _b: self._open_checkin())
        right.add_widget(booked)
        body.add_widget(right)

    def _open_checkin(self) -> None:
        self.checkin.clear()
        self.go("checkin")

    def _build_checkin(self, screen: CheckInScreen) -> None:
        screen.build()

    def _open_search(self) -> None:
        self.query = ""
        self.go("search")

    def _build_results(self, screen: Screen) -> None:
        lang = self.p.lang
        title = (i18n.category_name(self.category, lang) if self.category
                 else i18n.t("search", lang))
        body = self._page(screen, title)
        listing = BoxLayout(orientation="vertical", spacing=8, size_hint_y=None)
        listing.bind(minimum_height=listing.setter("height"))
        back = BigButton("← " + i18n.t("back", lang), colour="#607D8B", size=26, height=72)
        back.bind(on_release=lambda _b: self.go("start" if self.category else "search"))
        listing.add_widget(back)
        for dest in self.results:
            chosen = dest.procedure.id == self.selected
            b = BigButton(dest.name, colour="#0D47A1" if chosen else "#E3E8EF", size=26,
                          height=90, text_colour=PAPER if chosen else (0, 0, 0, 1), grow=True)
            b.bind(on_release=lambda _b, pid=dest.procedure.id: self.select(pid))
            listing.add_widget(b)
        scroll = ScrollView(size_hint_x=0.34)
        scroll.add_widget(listing)
        body.add_widget(scroll)
        dest = next((d for d in self.results if d.procedure.id == self.selected), None)
        body.add_widget(self._detail(dest) if dest else Text(i18n.t("no_results", lang), size=30))

    def _detail(self, dest: Destination) -> BoxLayout:
        lang = self.p.lang
        panel = BoxLayout(orientation="vertical", spacing=6, size_hint_x=0.66)
        panel.add_widget(Text(dest.name, size=36, bold=True))
        if lang != "ja":  # the Japanese name too, to show a clerk
            panel.add_widget(Text(dest.procedure.name_ja, size=22))
        if dest.in_building:
            panel.add_widget(Chip(dest.colour, f"{i18n.t('where_to_go', lang)}: {dest.place}  "
                                               f"{dest.floor_name}  ({dest.colour_name})", size=26))
            panel.add_widget(self._wait_line(dest, 30))
        else:
            panel.add_widget(Text(i18n.t("not_in_building", lang), size=30, bold=True, colour=WARN))
            panel.add_widget(Text(dest.note, size=28))
        if dest.bring:
            panel.add_widget(Text(f"{i18n.t('bring', lang)}: " + " / ".join(dest.bring), size=24))
        if dest.procedure.certificate and self.p.terminal_name():
            panel.add_widget(Text(i18n.t("certificates_here", lang, terminal=self.p.terminal_name())
                                  + " " + i18n.t("convenience_store", lang), size=22, colour=BAND))
        panel.add_widget(picture(self.p.map_for(dest, width_px=1200, side_by_side=True)))
        return panel

    def _build_search(self, screen: Screen) -> None:
        lang = self.p.lang
        body = self._page(screen, i18n.t("search", lang))
        left = BoxLayout(orientation="vertical", spacing=8, size_hint_x=0.6)
        row = BoxLayout(size_hint_y=None, height=72, spacing=8)
        box = TextInput(text=self.query, hint_text=i18n.t("search_hint", lang), font_name=KIVY_NAME,
                        font_size=32, multiline=False)
        box.bind(text=lambda _w, value: self._typed(value))
        self.search_box = box
        row.add_widget(box)
        clear = BigButton(i18n.t("clear", lang), colour="#607D8B", size=24, height=72,
                          size_hint_x=0.22)
        clear.bind(on_release=lambda _b: self._typed("", redraw=True))
        row.add_widget(clear)
        left.add_widget(row)
        left.add_widget(KanaPad(self.type_kana, delete_text=i18n.t("delete", lang)))
        body.add_widget(left)
        found = BoxLayout(orientation="vertical", spacing=8, size_hint_y=None)
        found.bind(minimum_height=found.setter("height"))
        results = self.p.search(self.query)
        if self.query and not results:
            found.add_widget(Text(i18n.t("no_results", lang), size=28))
        for dest in results:
            b = BigButton(dest.name, colour="#0D47A1", size=26, height=88, grow=True)
            b.bind(on_release=lambda _b, d=dest, r=results: self.open_results(r, d.procedure.id))
            found.add_widget(b)
        scroll = ScrollView(size_hint_x=0.4)
        scroll.add_widget(found)
        body.add_widget(scroll)

    def _typed(self, value: str, redraw: bool = False) -> None:
        if value == self.query and not redraw:
            return
        self.query = value
        # Rebuild on the next frame: the TextInput that called us must finish its event.
        Clock.schedule_once(lambda _dt: self._refresh_search(), 0)

    def _refresh_search(self) -> None:
        if self.current == "search":
            self.redraw()
            self.search_box.focus = True
            self.search_box.cursor = (len(self.query), 0)

    def _build_questions(self, screen: Screen) -> None:
        lang, q = self.p.lang, self.p.questionnaire
        body = self._page(screen, i18n.name_of(q.event, lang))
        col = BoxLayout(orientation="vertical", spacing=24, padding=(120, 20))
        col.add_widget(Text(i18n.t("questions_title", lang), size=30))
        col.add_widget(Text(f"{q.current + 1} / {len(q.event.questions)}", size=28, bold=True,
                            colour=BAND))
        col.add_widget(Text(q.question(lang), size=46, bold=True, halign="center"))
        answers = BoxLayout(spacing=40, size_hint_y=None, height=150)
        yes = BigButton(i18n.t("yes", lang), colour="#2E7D32", size=44, height=150)
        yes.bind(on_release=lambda _b: self.answer(True))
        no = BigButton(i18n.t("no", lang), colour="#C62828", size=44, height=150)
        no.bind(on_release=lambda _b: self.answer(False))
        answers.add_widget(yes)
        answers.add_widget(no)
        col.add_widget(answers)
        back = BigButton("← " + i18n.t("back", lang), colour="#607D8B", size=26, height=72,
                         size_hint_x=0.3)
        back.bind(on_release=lambda _b: self.question_back())
        col.add_widget(back)
        col.add_widget(BoxLayout())
        body.add_widget(col)

    def _build_guidance(self, screen: Screen) -> None:
        lang = self.p.lang
        body = self._page(screen, i18n.t("guidance_list", lang))
        col = BoxLayout(orientation="vertical", spacing=8)
        col.add_widget(Text(f"{i18n.name_of(self.p.questionnaire.event, lang)} — "
                            f"{i18n.t('guidance_intro', lang)}", size=30, bold=True))
        rows = BoxLayout(orientation="vertical", spacing=10, size_hint_y=None)
        rows.bind(minimum_height=rows.setter("height"))
        for i, dest in enumerate(self.guidance, start=1):
            row = BoxLayout(orientation="vertical", size_hint_y=None, padding=10, spacing=2)
            row.bind(minimum_height=row.setter("height"))
            paint(row, SOFT, radius=10)
            row.add_widget(Text(f"{i}. {dest.name}", size=30, bold=True))
            if dest.in_building:
                row.add_widget(Chip(dest.colour, f"{dest.place}  {dest.floor_name}  "
                                                 f"({dest.colour_name})", size=24))
                row.add_widget(self._wait_line(dest, 24))
            else:
                row.add_widget(Text(f"{i18n.t('not_in_building', lang)}: {dest.note}", size=24,
                                    bold=True, colour=WARN))
            if dest.bring:
                row.add_widget(Text(f"{i18n.t('bring', lang)}: " + " / ".join(dest.bring), size=22))
            rows.add_widget(row)
        scroll = ScrollView()
        scroll.add_widget(rows)
        col.add_widget(scroll)
        bottom = BoxLayout(size_hint_y=None, height=96, spacing=16)
        again = BigButton("← " + i18n.t("back", lang), colour="#607D8B", size=26, height=96,
                          size_hint_x=0.25)
        again.bind(on_release=lambda _b: self.question_back_to_questions())
        bottom.add_widget(again)
        bottom.add_widget(Text(self.status, size=26, bold=True, colour=BAND, fixed_height=96))
        printing = BigButton(i18n.t("print", lang), colour="#2E7D32", size=34, height=96,
                             size_hint_x=0.3)
        printing.bind(on_release=lambda _b: self.print_guidance())
        bottom.add_widget(printing)
        col.add_widget(bottom)
        body.add_widget(col)

    def _open_progress(self) -> None:
        self.number, self.progress = "", None
        self.go("progress")

    def number_key(self, key: str) -> None:
        """The number pad: digits, "clear" and "show" (asks the service)."""
        if key == "clear":
            self.number, self.progress = "", None
        elif key == "show":
            self.show_progress()
            return
        elif len(self.number) < 5:
            self.number += key
        self.status = ""
        self.redraw()

    def show_progress(self) -> None:
        self.progress = None
        self.status = ""
        if self.number:
            try:
                self.progress = self.p.progress(int(self.number))
            except ProgressUnavailable as exc:
                self.status = i18n.t(exc.key, self.p.lang)
        self.redraw()

    def _build_progress(self, screen: Screen) -> None:
        lang = self.p.lang
        body = self._page(screen, i18n.t("my_progress", lang))
        left = BoxLayout(orientation="vertical", spacing=10, size_hint_x=0.36)
        left.add_widget(Text(i18n.t("enter_number", lang), size=26, bold=True))
        left.add_widget(Text(self.number or "—", size=72, bold=True, halign="center", colour=BAND))
        pad = GridLayout(cols=3, spacing=8)
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "show"):
            text = {"clear": i18n.t("clear", lang), "show": i18n.t("look_up", lang)}.get(key, key)
            colour = {"clear": "#607D8B", "show": "#2E7D32"}.get(key, "#ECEFF1")
            b = BigButton(text, colour=colour, size=32, size_hint=(1, 1),
                          text_colour=PAPER if key in ("clear", "show") else (0, 0, 0, 1))
            b.bind(on_release=lambda _b, k=key: self.number_key(k))
            pad.add_widget(b)
        left.add_widget(pad)
        body.add_widget(left)
        right = BoxLayout(orientation="vertical", spacing=6, size_hint_x=0.64)
        if self.status:
            right.add_widget(Text(self.status, size=30, bold=True, colour=WARN))
        progress = self.progress
        if progress is not None:
            right.add_widget(Text(f"{i18n.t('your_number', lang)}: {progress.number}", size=32,
                                  bold=True))
            right.add_widget(Text(i18n.t("steps_done", lang, done=progress.done,
                                         total=progress.total), size=26, bold=True))
            right.add_widget(Text(i18n.t("details_on_phone", lang), size=22))
            if progress.called_at:
                right.add_widget(Text(i18n.t("come_to_counter", lang, counter=progress.called_at),
                                      size=32, bold=True, colour=WARN))
            if progress.next is None:
                right.add_widget(Text(i18n.t("all_done", lang), size=32, bold=True, colour=BAND))
            else:
                dest = progress.next
                right.add_widget(Chip(dest.colour, f"{i18n.t('next_step', lang)}: {dest.place}  "
                                                   f"{dest.floor_name}  ({dest.colour_name})",
                                      size=24))
                if not progress.called_at:
                    right.add_widget(Text(
                        f"{i18n.t('people_ahead', lang, n=progress.people_ahead)}  "
                        f"{i18n.t('wait_range', lang, wait=progress.wait_text(lang))}",
                        size=26, bold=True))
                right.add_widget(picture(self.p.map_for(dest, width_px=1000, side_by_side=True)))
        if progress is None or progress.next is None:
            right.add_widget(BoxLayout())
        body.add_widget(right)

    def question_back_to_questions(self) -> None:
        if self.p.questionnaire.back():
            self.go("questions")
        else:
            self.go("start")
