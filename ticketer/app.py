"""The issuer's screens (Kivy): locked, concierge and self-service, for a 7-10 inch touch
screen. Thin views: they draw `ConciergePresenter` state and forward taps to it.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import LabelBase
from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.metrics import dp, sp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget
from kivy.utils import get_color_from_hex as hexc

from firmware.phrase_label import PhraseWrap
from firmware.printing import require_fonts

from .presenter import ConciergePresenter
from .texts import category_name

NAVY, INK, MUTED = hexc("#1F3A5F"), hexc("#1B1F24"), hexc("#5A6470")
PAPER, CARD, LINE = hexc("#EEF1F4"), hexc("#FFFFFF"), hexc("#C9D1DA")
GREEN, RED, ORANGE, GREY = hexc("#2E7D32"), hexc("#C62828"), hexc("#E65100"), hexc("#9AA4AE")
SKY = hexc("#DCE8F5")
WHITE = (1, 1, 1, 1)


def register_fonts() -> None:
    """Every widget's default font becomes Noto Sans CJK JP (the default shows boxes)."""
    regular, bold = require_fonts()
    LabelBase.register("Roboto", str(regular), fn_bold=str(bold))


# ---- small building blocks ----------------------------------------------------------------

class Panel(BoxLayout):
    """A box with a flat (optionally rounded) background colour."""

    def __init__(self, bg=CARD, radius: float = 0, **kw):
        super().__init__(**kw)
        with self.canvas.before:
            self._colour = Color(*bg)
            self._rect = (RoundedRectangle(radius=[dp(radius)]) if radius else Rectangle())
        self.bind(pos=self._redraw, size=self._redraw)

    def set_bg(self, bg) -> None:
        self._colour.rgba = bg

    def _redraw(self, *_):
        self._rect.pos, self._rect.size = self.pos, self.size


class Text(PhraseWrap, Label):
    """A label that wraps to its width, between phrases, and grows to its text's height."""

    def __init__(self, text: str = "", size: float = 18, colour=INK, bold: bool = False,
                 halign: str = "left", grow: bool = True, **kw):
        super().__init__(text=text, font_size=sp(size), color=colour, bold=bold, halign=halign,
                         valign="middle", **kw)
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width, None)))
        self.start_wrapping()
        if grow:
            self.size_hint_y = None
            self.bind(texture_size=lambda *_: setattr(self, "height", self.texture_size[1] + dp(4)))


class Flat(PhraseWrap, Button):
    def __init__(self, text: str, on_press: Callable[[], None] | None = None, bg=NAVY,
                 fg=WHITE, size: float = 18, bold: bool = True, **kw):
        super().__init__(text=text, font_size=sp(size), bold=bold, background_normal="",
                         background_down="", background_color=bg, color=fg, halign="center",
                         valign="middle", **kw)
        self.bind(size=lambda *_: setattr(self, "text_size", (self.width - dp(12), None)))
        self.start_wrapping(dp(12))
        if on_press:
            self.bind(on_release=lambda *_: on_press())


def chip(text: str, bg) -> Panel:
    box = Panel(bg=bg, radius=14, size_hint_x=None, padding=(dp(12), 0))
    label = Label(text=text, font_size=sp(16), bold=True, color=WHITE)
    label.bind(texture_size=lambda *_: setattr(box, "width", label.texture_size[0] + dp(24)))
    box.add_widget(label)
    return box


def scroll(content: Widget) -> ScrollView:
    view = ScrollView(do_scroll_x=False, bar_width=dp(6))
    content.size_hint_y = None
    content.bind(minimum_height=content.setter("height"))
    view.add_widget(content)
    return view


def column(spacing: float = 8, padding: float = 0) -> BoxLayout:
    return BoxLayout(orientation="vertical", spacing=dp(spacing), padding=dp(padding))


# ---- the status bar every screen shares --------------------------------------------------

class StatusBar(Panel):
    def __init__(self, p: ConciergePresenter, **kw):
        super().__init__(bg=NAVY, size_hint_y=None, height=dp(58), padding=(dp(14), dp(9)),
                         spacing=dp(10), **kw)
        self.p = p

    def refresh(self, extra: list[Widget] = ()) -> None:
        p = self.p
        self.clear_widgets()
        point = p.site.issuing_points.get(p.issuer.issuing_point)
        where = (point.name_en if p.lang == "en" else point.name_ja) if point else ""
        self.add_widget(Text(f"{p.text('title')}  {where}", size=20, colour=WHITE, bold=True,
                             grow=False, size_hint_x=None, width=dp(330)))
        self.add_widget(Widget())
        self.add_widget(chip(p.text("online" if p.service_online else "offline"),
                             GREEN if p.service_online else RED))
        self.add_widget(chip(p.printer_label(), GREEN if p.printer_state == "ok" else
                             ORANGE if p.printer_state == "paper_low" else RED))
        for w in extra:
            self.add_widget(w)
        self.add_widget(Flat(p.text("language"), p.toggle_language, bg=hexc("#35557F"),
                             size_hint_x=None, width=dp(104), size=16))


# ---- locked ----------------------------------------------------------------------------------

class LockView(BoxLayout):
    """Staff number and PIN on one keypad; a staff card or the key switch also unlock."""

    def __init__(self, p: ConciergePresenter, **kw):
        super().__init__(orientation="vertical", **kw)
        self.p = p
        self.staff = ""
        self.pin = ""
        self.field = "staff"
        self.bar = StatusBar(p)
        self.add_widget(self.bar)
        body = Panel(bg=PAPER, padding=dp(28), spacing=dp(28))
        self.add_widget(body)
        left = column(14)
        self.title = Text(size=40, bold=True, colour=NAVY)
        self.sub = Text(size=22, colour=INK)
        self.help = Text(size=18, colour=MUTED)
        self.message = Text(size=20, colour=RED, bold=True)
        for w in (Widget(), self.title, self.sub, self.help, self.message, Widget()):
            left.add_widget(w)
        body.add_widget(left)
        right = Panel(bg=CARD, radius=12, orientation="vertical", padding=dp(18), spacing=dp(10),
                      size_hint_x=None, width=dp(400))
        self.staff_box = Flat("", lambda: self._focus("staff"), size_hint_y=None, height=dp(58),
                              size=24)
        self.pin_box = Flat("", lambda: self._focus("pin"), size_hint_y=None, height=dp(58), size=24)
        right.add_widget(self.staff_box)
        right.add_widget(self.pin_box)
        pad = GridLayout(cols=3, spacing=dp(8))
        for key in "123456789":
            pad.add_widget(Flat(key, lambda k=key: self.key(k), bg=SKY, fg=INK, size=26))
        self.clear_btn = Flat("", lambda: self.key("clear"), bg=LINE, fg=INK, size=18)
        pad.add_widget(self.clear_btn)
        pad.add_widget(Flat("0", lambda: self.key("0"), bg=SKY, fg=INK, size=26))
        self.ok_btn = Flat("", lambda: self.key("ok"), bg=GREEN, size=20)
        pad.add_widget(self.ok_btn)
        right.add_widget(pad)
        body.add_widget(right)

    def _focus(self, field: str) -> None:
        self.field = field
        self.refresh()

    def key(self, k: str) -> None:
        if k == "clear":
            self.staff, self.pin, self.field = "", "", "staff"
        elif k == "ok":
            if self.field == "staff" and self.staff:
                self.field = "pin"
            elif self.staff and self.pin:
                staff, pin = self.staff, self.pin
                self.pin, self.field = "", "pin"
                if self.p.unlock_pin(staff, pin).ok:
                    self.staff, self.field = "", "staff"
        elif self.field == "staff" and len(self.staff) < 8:
            self.staff += k
        elif self.field == "pin" and len(self.pin) < 12:
            self.pin += k
        self.refresh()

    def refresh(self, back: Callable[[], None] | None = None) -> None:
        p = self.p
        self.bar.refresh([Flat(p.text("back"), back, bg=hexc("#35557F"), size_hint_x=None,
                               width=dp(96), size=16)] if back else [])
        self.title.text = p.text("locked")
        self.sub.text = p.text("locked_sub")
        self.help.text = p.text("locked_help")
        self.message.text = p.pin_message
        self.staff_box.text = f"{p.text('staff_no')}  {self.staff or '—'}"
        self.pin_box.text = f"{p.text('pin')}  {'●' * len(self.pin) or '—'}"
        for box, name in ((self.staff_box, "staff"), (self.pin_box, "pin")):
            box.background_color = NAVY if self.field == name else GREY
        self.clear_btn.text = p.text("clear")
        self.ok_btn.text = p.text("unlock") if self.field == "pin" else "→"


# ---- concierge -------------------------------------------------------------------------------

class RouteStopView(Panel):
    def __init__(self, index: int, lines: tuple[str, str, str], stop, procs: list[str],
                 first: bool, **kw):
        super().__init__(bg=CARD, radius=10, size_hint_y=None, spacing=dp(12),
                         padding=(0, 0, dp(10), 0), **kw)
        badge = Panel(bg=hexc(stop.colour), radius=10, orientation="vertical",
                      size_hint_x=None, width=dp(86), padding=dp(6))
        badge.add_widget(Label(text=str(index), font_size=sp(30), bold=True, color=WHITE))
        badge.add_widget(Label(text=stop.counter_numbers(), font_size=sp(15), bold=True,
                               color=WHITE))
        self.add_widget(badge)
        body = column(2, 0)
        body.padding = (0, dp(8))
        name, where, waiting = lines
        body.add_widget(Text(name, 21, bold=True))
        body.add_widget(Text(where, 17, colour=NAVY, bold=True))
        body.add_widget(Text(" / ".join(procs), 15, colour=MUTED))
        if first:
            body.add_widget(Text(waiting, 18, bold=True, colour=ORANGE if stop.level == "high" else INK))
        self.add_widget(body)
        body.bind(minimum_height=lambda *_: setattr(self, "height", max(body.minimum_height, dp(92))))


class ConciergeView(BoxLayout):
    def __init__(self, p: ConciergePresenter, **kw):
        super().__init__(orientation="vertical", **kw)
        self.p = p
        self._drawn: dict[str, tuple] = {}
        self.bar = StatusBar(p)
        self.add_widget(self.bar)
        self.banner = Panel(bg=ORANGE, size_hint_y=None, height=0, padding=(dp(16), dp(6)),
                            spacing=dp(12))
        self.add_widget(self.banner)
        body = Panel(bg=PAPER, padding=dp(12), spacing=dp(12))
        self.add_widget(body)

        # left: purposes (life events) and their questions
        left = column(8)
        left.size_hint_x = 0.29
        self.events_title = Text(size=18, bold=True, colour=NAVY)
        left.add_widget(self.events_title)
        self.events = GridLayout(cols=2, spacing=dp(8), size_hint_y=None)
        self.events.bind(minimum_height=self.events.setter("height"))
        left.add_widget(self.events)
        self.questions = column(6)
        left.add_widget(scroll(self.questions))
        body.add_widget(left)

        # middle: the procedures, search, needs
        mid = column(8)
        mid.size_hint_x = 0.36
        self.procs_title = Text(size=18, bold=True, colour=NAVY)
        mid.add_widget(self.procs_title)
        self.selected = column(6)
        sel_scroll = scroll(self.selected)
        sel_scroll.size_hint_y = 0.9
        mid.add_widget(sel_scroll)
        self.search = TextInput(multiline=False, font_size=sp(18), size_hint_y=None, height=dp(46),
                                padding=(dp(10), dp(10)))
        self.search.bind(text=lambda _, v: p.set_query(v) if v != p.query else None)
        mid.add_widget(self.search)
        self.cats = GridLayout(rows=1, spacing=dp(4), size_hint_y=None, height=dp(38))
        mid.add_widget(self.cats)
        self.results = column(4)
        res_scroll = scroll(self.results)
        res_scroll.size_hint_y = 1
        mid.add_widget(res_scroll)
        self.needs_title = Text(size=16, bold=True, colour=NAVY)
        mid.add_widget(self.needs_title)
        self.needs = GridLayout(cols=3, spacing=dp(6), size_hint_y=None, height=dp(92))
        mid.add_widget(self.needs)
        self.pager_in: TextInput | None = None
        if p.pagers is not None:  # this desk lends vibrating pagers (ticketer.pagers)
            row = BoxLayout(size_hint_y=None, height=dp(46), spacing=dp(6))
            self.pager_in = TextInput(multiline=False, font_size=sp(18), padding=(dp(10), dp(10)),
                                      hint_text="呼出器の番号（読み取り可）")
            self.pager_in.bind(on_text_validate=lambda w: p.set_pager(w.text))
            row.add_widget(self.pager_in)
            row.add_widget(Flat("返却", lambda: p.pager_returned(self.pager_in.text), bg=GREY,
                                size=16, size_hint_x=0.3))
            mid.add_widget(row)
        body.add_widget(mid)

        # right: route preview and the issue button
        right = column(8)
        right.size_hint_x = 0.35
        self.route_title = Text(size=18, bold=True, colour=NAVY)
        right.add_widget(self.route_title)
        self.route = column(8)
        right.add_widget(scroll(self.route))
        self.notice = Text(size=19, bold=True)
        right.add_widget(self.notice)
        # a booking: its code typed, or its QR code read by a keyboard-wedge scanner (Enter)
        booking = BoxLayout(size_hint_y=None, height=dp(46), spacing=dp(8))
        self.booking = TextInput(multiline=False, font_size=sp(18), padding=(dp(10), dp(10)))
        self.booking.bind(on_text_validate=lambda w: self._check_in())
        self.check_in_btn = Flat("", self._check_in, bg=NAVY, size=17, size_hint_x=0.42)
        booking.add_widget(self.booking)
        booking.add_widget(self.check_in_btn)
        right.add_widget(booking)
        actions = BoxLayout(size_hint_y=None, height=dp(84), spacing=dp(8))
        self.next_btn = Flat("", p.next_citizen, bg=GREY, size=18, size_hint_x=0.34)
        self.issue_btn = Flat("", p.primary, bg=GREEN, size=28)
        actions.add_widget(self.next_btn)
        actions.add_widget(self.issue_btn)
        right.add_widget(actions)
        body.add_widget(right)

    def _check_in(self) -> None:
        if self.p.check_in(self.booking.text):
            self.booking.text = ""

    def _fresh(self, section: str, signature: tuple) -> bool:
        """True if a section's inputs changed since it was last drawn: only those sections
        are rebuilt, so a tap redraws what it changed and not the whole screen."""
        if self._drawn.get(section) == signature:
            return False
        self._drawn[section] = signature
        return True

    def refresh(self) -> None:
        p = self.p
        lang = p.lang
        staff = p.lock.staff_id or ""
        if self._fresh("bar", (lang, p.service_online, p.printer_state, staff)):
            member = p.lock.staff.get(staff)
            self.bar.refresh([
                chip(p.text("staff_on", s=member.name if member else staff), hexc("#35557F")),
                Flat(p.text("lock_now"), p.lock_now, bg=RED, size_hint_x=None, width=dp(92),
                     size=16),
            ])
        unprinted = tuple(t.number for t in p.unprinted())
        if self._fresh("banner", (lang, unprinted, p.service_online, p.numbers_left(),
                                  p.store.count_offline(), tuple(p.rejected()))):
            self._banner()
        if self._fresh("events", (lang, p.life_event, frozenset(p.answers))):
            self._events()
        procs = tuple(p.procedures)
        if self._fresh("selected", (lang, procs)):
            self._selected()
        if self._fresh("search", (lang, p.query, p.category, procs)):
            self._search()
        if self._fresh("needs", (lang, frozenset(p.needs))):
            self._needs()
        if self.pager_in is not None and self._fresh("pager", (p.pager,)):
            self.pager_in.text = "" if p.pager is None else f"P{p.pager:03d}"
        plan = p.route()
        if self._fresh("route", (lang, procs, tuple((s.waiting, s.wait_range, s.moving_here) for s in plan.stops))):
            self._route(plan)
        self.notice.text = p.notice.text if p.notice else ""
        kind = p.notice.kind if p.notice else "info"
        self.notice.color = RED if kind == "error" else ORANGE if kind == "warning" else GREEN
        self.booking.hint_text = p.text("booking")
        self.check_in_btn.text = p.text("check_in")
        self.next_btn.text = p.text("next")
        done = p.issued_current
        if done is not None and not p.busy:  # printed: one tap for the next citizen
            self.issue_btn.text = p.text("next_after", n=done.number)
            self.issue_btn.background_color = NAVY
            self.issue_btn.disabled = False
        else:
            self.issue_btn.text = p.text("issuing") if p.busy else p.text("issue")
            self.issue_btn.background_color = GREEN if p.can_issue else GREY
            self.issue_btn.disabled = not p.can_issue

    def _events(self) -> None:
        p = self.p
        self.events_title.text = p.text("life_events")
        self.events.clear_widgets()
        for ev in p.life_events():
            chosen = ev.id == p.life_event
            self.events.add_widget(Flat(p.name(ev), lambda e=ev.id: p.choose_life_event(e),
                                        bg=NAVY if chosen else CARD, fg=WHITE if chosen else INK,
                                        size=18, size_hint_y=None, height=dp(64)))
        self.questions.clear_widgets()
        for q in p.questions():
            yes = q.id in p.answers
            row = Panel(bg=CARD, radius=8, size_hint_y=None, height=dp(64), padding=dp(6),
                        spacing=dp(6))
            row.add_widget(Text(q.text_en if p.lang == "en" else q.text_ja, 15, grow=False))
            row.add_widget(Flat("はい" if p.lang == "ja" else "Yes",
                                lambda q=q.id, y=yes: p.answer(q, not y),
                                bg=GREEN if yes else LINE, fg=WHITE if yes else INK,
                                size_hint_x=None, width=dp(64), size=16))
            self.questions.add_widget(row)

    def _selected(self) -> None:
        p = self.p
        self.procs_title.text = p.text("procedures")
        self.selected.clear_widgets()
        if not p.procedures:
            self.selected.add_widget(Text(p.text("no_procedures"), 16, colour=MUTED))
        for proc in p.selected():
            row = Panel(bg=CARD, radius=8, size_hint_y=None, height=dp(46), padding=(dp(10), dp(4)),
                        spacing=dp(6))
            mark = "◇ " if not proc.queued else ""
            row.add_widget(Text(mark + p.name(proc), 17, grow=False))
            row.add_widget(Flat("×", lambda i=proc.id: p.remove_procedure(i), bg=LINE, fg=INK,
                                size=20, size_hint_x=None, width=dp(44)))
            self.selected.add_widget(row)

    def _search(self) -> None:
        p = self.p
        self.search.hint_text = p.text("search")
        if self.search.text != p.query:
            self.search.text = p.query
        self.cats.clear_widgets()
        for cat in p.categories()[:5]:
            on = cat == p.category
            self.cats.add_widget(Flat(category_name(cat, p.lang), lambda c=cat: p.choose_category(c),
                                      bg=NAVY if on else SKY,
                                      fg=WHITE if on else INK, size=13 if p.lang == "ja" else 11))
        self.results.clear_widgets()
        for proc in p.results():
            if proc.id in p.procedures:
                continue
            self.results.add_widget(Flat(f"＋ {p.name(proc)}", lambda i=proc.id: p.add_procedure(i),
                                         bg=CARD, fg=NAVY, size=16, size_hint_y=None, height=dp(42)))

    def _needs(self) -> None:
        p = self.p
        self.needs_title.text = p.text("needs")
        self.needs.clear_widgets()
        for need in p.all_needs():
            on = need in p.needs
            self.needs.add_widget(Flat(p.need_label(need), lambda n=need: p.toggle_need(n),
                                       bg=ORANGE if on else CARD, fg=WHITE if on else INK, size=16))

    def _route(self, plan) -> None:
        p = self.p
        self.route_title.text = p.text("route")
        self.route.clear_widgets()
        if plan.empty:
            self.route.add_widget(Text(p.text("route_empty"), 16, colour=MUTED))
        for i, stop in enumerate(plan.stops, 1):
            self.route.add_widget(RouteStopView(i, p.stop_lines(stop), stop,
                                                [p.name(x) for x in stop.procedures], i == 1))
        if plan.guidance:
            self.route.add_widget(Text(p.text("guidance"), 16, bold=True, colour=NAVY))
        for g in plan.guidance:
            note = g.note_en if p.lang == "en" else g.note_ja
            self.route.add_widget(Text(f"◇ {p.name(g)}: {note}", 15, colour=MUTED))

    def _banner(self) -> None:
        p = self.p
        self.banner.clear_widgets()
        unprinted = p.unprinted()
        if unprinted:
            numbers = "・".join(str(t.number) for t in unprinted[:6])
            self.banner.set_bg(RED)
            self.banner.height = dp(76)
            box = column(0)
            box.add_widget(Text(p.text("unprinted", n=len(unprinted), numbers=numbers), 19,
                                colour=WHITE, bold=True, grow=False))
            box.add_widget(Text(p.text("printer_fix"), 15, colour=WHITE, grow=False))
            self.banner.add_widget(box)
            self.banner.add_widget(Flat(p.text("reprint"), p.reprint, bg=WHITE, fg=RED, size=20,
                                        size_hint_x=None, width=dp(150)))
        elif not p.service_online:
            self.banner.set_bg(ORANGE)
            self.banner.height = dp(76)
            pending = p.store.count_offline()
            text = p.text("offline_banner", n=p.numbers_left())
            if pending:
                text += "  " + p.text("offline_pending", n=pending)
            self.banner.add_widget(Text(text, 16, colour=WHITE, bold=True, grow=False))
        elif rejected := p.rejected():
            self.banner.set_bg(RED)
            self.banner.height = dp(76)
            items = "、".join(f"{n}番({reason})" for n, reason in rejected[:4])
            self.banner.add_widget(Text(p.text("rejected", items=items), 16, colour=WHITE,
                                        bold=True, grow=False))
            self.banner.add_widget(Flat(p.text("ok"), p.acknowledge_rejected, bg=WHITE, fg=RED,
                                        size=20, size_hint_x=None, width=dp(120)))
        else:
            self.banner.height = 0


# ---- self-service ------------------------------------------------------------------------------

class SelfServiceView(BoxLayout):
    def __init__(self, p: ConciergePresenter, on_staff: Callable[[], None], **kw):
        super().__init__(orientation="vertical", **kw)
        self.p = p
        self.bar = StatusBar(p)
        self.add_widget(self.bar)
        self.on_staff = on_staff
        body = Panel(bg=PAPER, orientation="vertical", padding=dp(28), spacing=dp(16))
        self.add_widget(body)
        self.title = Text(size=36, bold=True, colour=NAVY, halign="center")
        self.help = Text(size=20, halign="center")
        self.grid = GridLayout(cols=3, spacing=dp(14))
        self.notice = Text(size=26, bold=True, colour=GREEN, halign="center")
        self.issue_btn = Flat("", p.issue, bg=GREEN, size=30, size_hint_y=None, height=dp(96))
        for w in (self.title, self.help, self.grid, self.notice, self.issue_btn):
            body.add_widget(w)

    def refresh(self) -> None:
        p = self.p
        self.bar.refresh([Flat(p.text("self_staff"), self.on_staff, bg=hexc("#35557F"),
                               size_hint_x=None, width=dp(96), size=16)])
        self.title.text = p.text("self_title")
        self.help.text = p.text("self_help")
        self.grid.clear_widgets()
        for proc in p.self_service_procedures():
            on = proc.id in p.procedures
            fee = f"\n{proc.fee_yen}円" if proc.fee_yen else ""
            self.grid.add_widget(Flat(
                ("✓ " if on else "") + p.name(proc) + fee,
                lambda i=proc.id, o=on: p.remove_procedure(i) if o else p.add_procedure(i),
                bg=NAVY if on else CARD, fg=WHITE if on else INK, size=22))
        self.notice.text = p.notice.text if p.notice else ""
        self.issue_btn.text = p.text("issue")
        self.issue_btn.background_color = GREEN if p.can_issue else GREY
        self.issue_btn.disabled = not p.can_issue


# ---- the whole screen ------------------------------------------------------------------------

class IssuerRoot(ScreenManager):
    """Shows the screen the presenter's mode asks for; redraws on every change."""

    def __init__(self, p: ConciergePresenter, **kw):
        super().__init__(transition=NoTransition(), **kw)
        self.p = p
        self.staff_login = False  # self-service screen: staff asked for the PIN pad
        self.views = {
            "locked": LockView(p),
            "concierge": ConciergeView(p),
            "self_service": SelfServiceView(p, self._staff_login),
        }
        for name, view in self.views.items():
            screen = Screen(name=name)
            screen.add_widget(view)
            self.add_widget(screen)
        self._trigger = Clock.create_trigger(lambda dt: self.refresh())
        p.subscribe(self._trigger)
        self.refresh()

    def _staff_login(self) -> None:
        self.staff_login = True
        self.refresh()

    def _back_to_self_service(self) -> None:
        self.staff_login = False
        self.refresh()

    def on_touch_down(self, touch):
        self.p.activity()
        return super().on_touch_down(touch)

    def refresh(self) -> None:
        mode = self.p.mode
        if mode != "self_service":
            self.staff_login = False
        name = "locked" if mode == "self_service" and self.staff_login else mode
        if name == "locked" and self.staff_login:
            self.views[name].refresh(back=self._back_to_self_service)
        else:
            self.views[name].refresh()
        if self.current != name:
            self.current = name


class IssuerApp(App):
    title = "Madoguchi issuer"

    def __init__(self, presenter: ConciergePresenter, on_stop: Callable[[], None] | None = None):
        super().__init__()
        self.presenter = presenter
        self._on_stop = on_stop

    def build(self):
        return IssuerRoot(self.presenter)

    def on_stop(self):
        if self._on_stop:
            self._on_stop()


def post_to_ui(task: Callable[[], None]) -> None:
    """Run `task` on Kivy's main thread (safe to call from any thread)."""
    Clock.schedule_once(lambda dt: task(), 0)

