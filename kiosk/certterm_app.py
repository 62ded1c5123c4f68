"""The certificate terminal's Kivy screens: a thin view over `CertTermPresenter`.

choose (certificates, copies, purpose, fee) -> identify (card or by hand) -> pin (keypad
with the tries warning) or manual (typed details) -> confirm (everything pre-filled, the
fee) -> done (number, counter, printed ticket and application). A red banner over every
screen asks the citizen to take a card left on the reader.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.uix.scrollview import ScrollView
from kivy.uix.spinner import Spinner, SpinnerOption
from kivy.uix.textinput import TextInput

from . import i18n
from .certterm import CertTermError, CertTermPresenter
from .fonts import KIVY_NAME
from .widgets import (
    BAND,
    DIGITS,
    ERA_KEYS,
    PAPER,
    SOFT,
    WARN,
    BigButton,
    Chip,
    KanaPad,
    Text,
    paint,
    picture,
    to_katakana,
)

POLL_SECONDS = 0.5
DOUBLE_TAP_SECONDS = 0.6


class _Option(SpinnerOption):
    def __init__(self, **kw):
        super().__init__(font_name=KIVY_NAME, font_size=26, height=64, **kw)


class CertTermView(BoxLayout):
    def __init__(self, presenter: CertTermPresenter, clock: Callable[[], float] = time.monotonic,
                 **kw):
        super().__init__(orientation="vertical", **kw)
        self.p = presenter
        self.clock = clock
        self.message = ""
        self.pin = ""
        self.manual_fields: dict[str, str] = {"name": "", "name_kana": "", "address": "",
                                              "birth_date": "", "sex": "unknown"}
        self.manual_focus = "name"
        self.inputs: dict[str, TextInput] = {}
        self.busy = False
        self.double_tap_s = DOUBLE_TAP_SECONDS
        self._shown_at = 0.0
        self._shown_step = ""
        self._fingers: set[int] = set()  # touches down right now
        self._redraw_on_lift = False
        self._config_seen: object = presenter.config
        self.banner = Text("", size=34, bold=True, colour=PAPER, halign="center", fixed_height=0)
        paint(self.banner, WARN)
        self.add_widget(self.banner)
        self.screens = ScreenManager(transition=NoTransition())
        for name in ("choose", "identify", "pin", "manual", "confirm", "done"):
            self.screens.add_widget(Screen(name=name))
        self.add_widget(self.screens)
        self._poll_event = Clock.schedule_interval(lambda _dt: self.poll(), POLL_SECONDS)
        self.show()

    def close(self) -> None:
        """Stop the view's timers (the app closes, or a test is done with it)."""
        self._poll_event.cancel()

    # ---- state -------------------------------------------------------------------------------
    def show(self) -> None:
        """Draw the presenter's current step."""
        name = self.p.step
        getattr(self, f"_build_{name}")(self.screens.get_screen(name))
        self.screens.current = name
        if name != self._shown_step:  # a redraw of the same step (+, a language) is no change
            self._shown_step = name
            self._shown_at = time.monotonic()
        self._update_banner()

    def follow(self, live) -> None:
        """Take new site configurations from a `protocol.follower.ServiceFollower` (on the
        Kivy thread); its congestion updates do not concern this screen."""
        live.on_site(lambda config: Clock.schedule_once(lambda _dt: self.use_config(config)))

    def use_config(self, config) -> None:
        """Live data changed. Congestion changes about once a second and shows nowhere on
        this terminal: only a new site configuration redraws, and never under a finger."""
        if config is self._config_seen:
            return
        self._config_seen = config
        self.p.use_config(config)
        if self.p.step == "choose":
            if self._fingers:
                self._redraw_on_lift = True
            else:
                self.show()

    def on_touch_down(self, touch):
        # While the service is asked nothing may be touched, and a touch right after the
        # screen changed is the second half of a double tap on the previous screen.
        if self.busy or time.monotonic() - self._shown_at < self.double_tap_s:
            return True
        self._fingers.add(touch.uid)
        self.p.touched(self.clock())
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        handled = super().on_touch_up(touch)
        self._fingers.discard(touch.uid)
        if self._redraw_on_lift and not self._fingers:
            self._redraw_on_lift = False
            # next frame: the button under the finger still gets its grabbed touch-up
            Clock.schedule_once(lambda _dt: self.show())
        return handled

    def submit(self) -> None:
        """Ask the service on a worker thread, so the screen says 'please wait' meanwhile."""
        self.busy = True
        self.message = i18n.t("please_wait", self.p.lang)
        self.show()
        when = time.time()

        def work() -> None:
            error = None
            try:
                self.p.submit(when)
            except CertTermError as exc:
                error = exc
            Clock.schedule_once(lambda _dt: self._submitted(error))

        threading.Thread(target=work, name="certterm-submit", daemon=True).start()

    def _submitted(self, error: CertTermError | None) -> None:
        self.busy = False
        self.p.touched(self.clock())
        self.message = error.text(self.p.lang) if error else ""
        self.show()

    def poll(self) -> None:
        if self.busy:
            return
        now = self.clock()
        if self.p.is_idle(now):
            self.finish()
            return
        if self.p.step == "identify" and self.p.card_present():
            self.act(self.p.start_card)
        self._update_banner()

    def _update_banner(self) -> None:
        left = self.p.card_left(self.clock())
        self.banner.text = i18n.t("take_card", self.p.lang) if left else ""
        self.banner.height = 80 if left else 0
        self.banner.opacity = 1 if left else 0

    def act(self, action: Callable[[], object]) -> None:
        """Run a presenter action; show its message on failure, the next step on success."""
        self.p.touched(self.clock())
        self.message = ""
        try:
            action()
        except CertTermError as exc:
            self.message = exc.text(self.p.lang)
        self.show()

    def set_language(self, lang: str) -> None:
        self.p.set_language(lang)
        self.show()

    def finish(self) -> None:
        """Forget the citizen, including what the screens built for them."""
        for screen in self.screens.screens:
            screen.clear_widgets()
        self.inputs = {}
        self.p.reset()
        self.message, self.pin = "", ""
        self.manual_fields = {k: "" for k in self.manual_fields} | {"sex": "unknown"}
        self.manual_focus = "name"
        self.show()

    # ---- shared parts ---------------------------------------------------------------------------
    def _page(self, screen: Screen, title: str) -> BoxLayout:
        screen.clear_widgets()
        page = BoxLayout(orientation="vertical")
        paint(page, PAPER)
        bar = BoxLayout(size_hint_y=None, height=96, padding=(16, 8), spacing=6)
        paint(bar, BAND)
        bar.add_widget(Text(title, size=30, bold=True, colour=PAPER, fixed_height=80,
                            size_hint_x=0.3))
        for code in i18n.LANGUAGES:
            chosen = code == self.p.lang
            b = BigButton(i18n.LANGUAGE_NAMES[code], colour="#FFFFFF" if chosen else "#1E5BB8",
                          text_colour=BAND if chosen else PAPER, size=18, height=80, pad=2,
                          size_hint_x=0.1)
            b.bind(on_release=lambda _b, c=code: self.set_language(c))
            bar.add_widget(b)
        page.add_widget(bar)
        body = BoxLayout(orientation="vertical", padding=16, spacing=10)
        page.add_widget(body)
        screen.add_widget(page)
        return body

    def _bottom(self, body: BoxLayout, back: Callable[[], None] | None, next_text: str,
                forward: Callable[[], None] | None, middle: str = "") -> None:
        row = BoxLayout(size_hint_y=None, height=100, spacing=16)
        if back is not None:
            b = BigButton("← " + i18n.t("back", self.p.lang), colour="#607D8B", size=28,
                          height=100, size_hint_x=0.22)
            b.bind(on_release=lambda _b: back())
            row.add_widget(b)
        row.add_widget(Text(middle, size=34, bold=True, fixed_height=100, halign="center"))
        if forward is not None:
            f = BigButton(next_text, colour="#2E7D32", size=32, height=100, size_hint_x=0.34)
            f.bind(on_release=lambda _b: forward())
            row.add_widget(f)
        body.add_widget(row)

    def _message(self, body: BoxLayout) -> None:
        if self.message:
            body.add_widget(Text(self.message, size=30, bold=True, colour=WARN))

    def _goto(self, step: str) -> None:
        self.p.touched(self.clock())
        self.p.go_to(step)
        self.message = ""
        self.show()

    # ---- screens ----------------------------------------------------------------------------------
    def _build_choose(self, screen: Screen) -> None:
        p, lang = self.p, self.p.lang
        body = self._page(screen, i18n.t("cert_title", lang))
        body.add_widget(Text(i18n.t("choose_certs", lang), size=32, bold=True))
        rows = GridLayout(cols=1, spacing=8, size_hint_y=None)
        rows.bind(minimum_height=rows.setter("height"))
        for proc in p.certificates():
            choice = p.choices[proc.id]
            row = BoxLayout(size_hint_y=None, height=84, spacing=10, padding=(10, 6))
            paint(row, SOFT if not choice.copies else (0.85, 0.93, 0.85, 1), radius=8)
            info = BoxLayout(orientation="vertical", size_hint_x=0.42)
            info.add_widget(Text(i18n.name_of(proc, lang), size=26, bold=True, fixed_height=40))
            info.add_widget(Text(i18n.t("fee_each", lang, fee=proc.fee_yen), size=20,
                                 fixed_height=30))
            row.add_widget(info)
            minus = BigButton("−", colour="#607D8B", size=40, height=72, size_hint_x=0.09)
            minus.bind(on_release=lambda _b, pid=proc.id, n=choice.copies: self._copies(pid, n - 1))
            row.add_widget(minus)
            row.add_widget(Text(i18n.t("copies", lang, n=choice.copies), size=30, bold=True,
                                halign="center", fixed_height=72, size_hint_x=0.1))
            plus = BigButton("+", colour="#1565C0", size=40, height=72, size_hint_x=0.09)
            plus.bind(on_release=lambda _b, pid=proc.id, n=choice.copies: self._copies(pid, n + 1))
            row.add_widget(plus)
            purpose = Spinner(text=i18n.purpose_name(choice.purpose, lang),
                              values=[i18n.purpose_name(x, lang) for x in i18n.PURPOSES_JA],
                              option_cls=_Option, font_name=KIVY_NAME, font_size=22,
                              size_hint=(0.3, None), height=72, disabled=not choice.copies)
            purpose.bind(text=lambda _s, value, pid=proc.id: self._purpose(pid, value))
            row.add_widget(purpose)
            rows.add_widget(row)
        scroll = ScrollView()
        scroll.add_widget(rows)
        body.add_widget(scroll)
        self._message(body)
        self._bottom(body, None, i18n.t("next", lang), lambda: self.act(self.p.to_identify),
                     middle=i18n.t("total_fee", lang, fee=f"{p.total_fee():,}"))

    def _copies(self, procedure_id: str, copies: int) -> None:
        self.p.touched(self.clock())
        self.p.set_copies(procedure_id, copies)
        self.message = ""
        self.show()

    def _purpose(self, procedure_id: str, shown: str) -> None:
        for purpose in i18n.PURPOSES_JA:
            if i18n.purpose_name(purpose, self.p.lang) == shown:
                self.p.set_purpose(procedure_id, purpose)

    def _build_identify(self, screen: Screen) -> None:
        lang = self.p.lang
        body = self._page(screen, i18n.t("identify_title", lang))
        row = BoxLayout(spacing=24)
        card = BoxLayout(orientation="vertical", padding=20, spacing=16)
        paint(card, SOFT, radius=12)
        card.add_widget(Text(i18n.t("place_card", lang), size=36, bold=True, halign="center"))
        card.add_widget(Text("▼  [ IC ]  ▼", size=60, bold=True, halign="center", colour=BAND))
        read = BigButton(i18n.t("read_card", lang), colour="#1565C0", size=32, height=110)
        read.bind(on_release=lambda _b: self.act(self.p.start_card))
        card.add_widget(read)
        row.add_widget(card)
        hand = BoxLayout(orientation="vertical", padding=20, spacing=16, size_hint_x=0.6)
        paint(hand, SOFT, radius=12)
        hand.add_widget(Text(i18n.t("no_card", lang), size=36, bold=True, halign="center"))
        manual = BigButton(i18n.t("enter_by_hand", lang), colour="#6D4C41", size=32, height=110)
        manual.bind(on_release=lambda _b: self._goto("manual"))
        hand.add_widget(BoxLayout())
        hand.add_widget(manual)
        row.add_widget(hand)
        body.add_widget(row)
        self._message(body)
        self._bottom(body, lambda: self._goto("choose"), "", None)

    def _build_pin(self, screen: Screen) -> None:
        lang = self.p.lang
        body = self._page(screen, i18n.t("identify_title", lang))
        body.add_widget(Text(i18n.t("enter_pin", lang), size=34, bold=True, halign="center"))
        warning = self.message or self.p.pin_warning()
        if warning:
            box = BoxLayout(size_hint_y=None, padding=12)
            box.bind(minimum_height=box.setter("height"))
            paint(box, (1, 0.92, 0.92, 1), radius=10)
            box.add_widget(Text(warning, size=30, bold=True, colour=WARN, halign="center"))
            body.add_widget(box)
        body.add_widget(Text("  ".join("●" if i < len(self.pin) else "○" for i in range(4)),
                             size=64, halign="center", colour=BAND))
        pad = GridLayout(cols=3, spacing=10, padding=(300, 0))
        locked = self.p.tries_left == 0
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"):
            text = {"clear": i18n.t("clear", lang), "ok": "OK"}.get(key, key)
            colour = {"clear": "#607D8B", "ok": "#2E7D32"}.get(key, "#ECEFF1")
            b = BigButton(text, colour=colour, size=36, size_hint=(1, 1), disabled=locked,
                          text_colour=PAPER if key in ("clear", "ok") else (0, 0, 0, 1))
            b.bind(on_release=lambda _b, k=key: self._pin_key(k))
            pad.add_widget(b)
        body.add_widget(pad)
        self._bottom(body, lambda: self._goto("identify"), i18n.t("enter_by_hand", lang),
                     lambda: self._goto("manual"))

    def _pin_key(self, key: str) -> None:
        self.p.touched(self.clock())
        if key == "clear":
            self.pin = ""
        elif key == "ok":
            pin, self.pin = self.pin, ""  # never kept after a try
            self.act(lambda: self.p.enter_pin(pin, self.clock()))
            return
        elif len(self.pin) < 4:
            self.pin += key
        self.message = ""
        self.show()

    def _build_manual(self, screen: Screen) -> None:
        lang, f = self.p.lang, self.manual_fields
        body = self._page(screen, i18n.t("enter_by_hand", lang))
        row = BoxLayout(spacing=16)
        fields = BoxLayout(orientation="vertical", spacing=10, size_hint_x=0.48)
        grid = GridLayout(cols=2, spacing=(8, 10), size_hint_y=None, height=4 * 66)
        self.inputs = {}
        for key, hint in (("name", ""), ("name_kana", ""), ("address", ""),
                          ("birth_date", i18n.t("birth_hint", lang))):
            grid.add_widget(Text(i18n.t(key, lang), size=22, bold=True, fixed_height=56,
                                 size_hint_x=0.3))
            box = TextInput(text=f[key], hint_text=hint, font_name=KIVY_NAME, font_size=28,
                            multiline=False, size_hint=(0.7, None), height=56,
                            background_color=(1, 1, 0.85, 1) if key == self.manual_focus
                            else (1, 1, 1, 1))
            box.bind(text=lambda _w, value, k=key: f.__setitem__(k, value))
            box.bind(focus=lambda _w, focused, k=key: focused and self._focus(k))
            self.inputs[key] = box
            grid.add_widget(box)
        fields.add_widget(grid)
        sexes = BoxLayout(size_hint_y=None, height=72, spacing=8)
        sexes.add_widget(Text(i18n.t("sex", lang), size=22, bold=True, fixed_height=72,
                              size_hint_x=0.3))
        for sex in ("male", "female", "unknown"):
            chosen = f["sex"] == sex
            b = BigButton(i18n.t(sex, lang), colour="#1565C0" if chosen else "#ECEFF1", size=26,
                          height=72, text_colour=PAPER if chosen else (0, 0, 0, 1))
            b.bind(on_release=lambda _b, s=sex: self._sex(s))
            sexes.add_widget(b)
        fields.add_widget(sexes)
        self._message(fields)
        fields.add_widget(BoxLayout())
        row.add_widget(fields)
        row.add_widget(KanaPad(self._manual_key, extra=(*DIGITS, *ERA_KEYS),
                               delete_text=i18n.t("delete", lang),
                               size_hint_x=0.52))
        body.add_widget(row)
        self._bottom(body, lambda: self._goto("identify"), i18n.t("next", lang),
                     lambda: self.act(lambda: self.p.enter_manual(
                         f["name"], f["name_kana"], f["address"], f["birth_date"], f["sex"])))

    def _focus(self, key: str) -> None:
        if key != self.manual_focus:
            self.manual_focus = key
            for k, box in self.inputs.items():
                box.background_color = (1, 1, 0.85, 1) if k == key else (1, 1, 1, 1)

    def _manual_key(self, ch: str) -> None:
        """A tap on the on-screen pad types into the highlighted field: katakana for the
        reading, digits, '-' and the era keys only for the date of birth; "" deletes."""
        self.p.touched(self.clock())
        key = self.manual_focus
        box = self.inputs[key]
        if not ch:
            box.text = box.text[:-1]
        elif key == "birth_date":
            if ch in DIGITS or ch in ERA_KEYS:
                box.text += ch
        else:
            box.text += to_katakana(ch) if key == "name_kana" else ch

    def _sex(self, sex: str) -> None:
        self.manual_fields["sex"] = sex
        self.show()

    def _build_confirm(self, screen: Screen) -> None:
        p, lang = self.p, self.p.lang
        body = self._page(screen, i18n.t("confirm_title", lang))
        top = BoxLayout(spacing=20, size_hint_y=None)
        who = GridLayout(cols=2, spacing=(12, 4), size_hint_y=None, size_hint_x=0.55,
                         pos_hint={"top": 1})
        who.bind(minimum_height=who.setter("height"))
        for label, value in p.summary():
            who.add_widget(Text(label, size=24, bold=True, size_hint_x=0.3))
            who.add_widget(Text(value, size=26, size_hint_x=0.7))
        top.add_widget(who)
        certs = GridLayout(cols=1, spacing=6, size_hint_y=None, size_hint_x=0.45,
                           pos_hint={"top": 1})
        certs.bind(minimum_height=certs.setter("height"))
        for proc, choice in p.chosen():
            certs.add_widget(Text(f"{i18n.name_of(proc, lang)}  {i18n.t('copies', lang, n=choice.copies)}"
                                  f"  {proc.fee_yen * choice.copies:,}円", size=26, bold=True))
            certs.add_widget(Text(f"  {i18n.t('purpose', lang)}: "
                                  f"{i18n.purpose_name(choice.purpose, lang)}", size=22))
        top.add_widget(certs)
        fit = lambda *_: setattr(top, "height", max(who.height, certs.height))
        who.bind(height=fit)
        certs.bind(height=fit)
        body.add_widget(top)
        body.add_widget(Text(i18n.t("sign_only", lang), size=28, bold=True, colour=BAND))
        self._message(body)
        body.add_widget(BoxLayout())
        self._bottom(body, lambda: self._goto("choose"), i18n.t("apply", lang),
                     self.submit,
                     middle=i18n.t("total_fee", lang, fee=f"{p.total_fee():,}"))

    def _build_done(self, screen: Screen) -> None:
        p, lang = self.p, self.p.lang
        receipt = p.receipt
        body = self._page(screen, i18n.t("cert_title", lang))
        row = BoxLayout(spacing=20)
        left = BoxLayout(orientation="vertical", spacing=12, size_hint_x=0.5)
        left.add_widget(Text(i18n.t("your_number", lang), size=34, halign="center"))
        left.add_widget(Text(str(receipt.number), size=150, bold=True, halign="center",
                             colour=BAND))
        if receipt.counter is not None:
            left.add_widget(Chip(receipt.counter.colour,
                                 i18n.t("go_to_counter", lang, counter=receipt.place),
                                 size=28))
        left.add_widget(Text(i18n.t("sign_only", lang), size=26))
        left.add_widget(Text(i18n.t("total_fee", lang, fee=f"{receipt.fee_yen:,}"), size=30,
                             bold=True))
        self._message(left)
        left.add_widget(BoxLayout())
        row.add_widget(left)
        # Only the ticket is shown: the application holds the name and address, and the
        # next person in line can see this screen.
        row.add_widget(picture(receipt.ticket, size_hint_x=0.5))
        body.add_widget(row)
        self._bottom(body, None, i18n.t("finish", lang), self.finish)
