"""Training mode is handed to the main window by its entry points (``MainWindow(ctx,
training=open_training)``): training mode's window is a main window, so the main window no
longer imports it (issue 21: no import cycle between ``ui.main_window`` and ``ui.training``).
The Practice menu opens training through the opener it was given; a window given none shows
no Practice menu, and training mode's own window offers no practice inside the practice."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow


def test_the_practice_menu_opens_training_through_the_opener_given(window, qtbot):
    from ui.training import TrainingWindow

    menu = window.practice_menu
    assert menu.menuAction().isVisible()
    packs = menu.actions()
    assert [a.text() for a in packs] == [
        "China (NIFA)",
        "United Kingdom (FCA CONC)",
        "United States (Regulation F)",
    ]
    packs[0].trigger()
    training = window._training
    assert isinstance(training, TrainingWindow)
    qtbot.addWidget(training)  # closed and deleted at teardown, like every other window
    try:
        assert training.session.pack.pack == "cn-nifa"
        assert "China (NIFA)" in training.windowTitle()
        assert training.training_opener is None
        assert not training.practice_menu.menuAction().isVisible()
        assert training.open_training("uk-conc") is None
    finally:
        training.close()


def test_a_window_given_no_opener_has_no_practice_menu(ctx, qtbot):
    from ui.main_window import MainWindow

    opened: list[str] = []

    class Practice(QMainWindow):
        started = False

        def start(self) -> None:
            self.started = True

    def opener(pack_id: str, **_kw: object) -> Practice:
        opened.append(pack_id)
        practice = Practice()
        qtbot.addWidget(practice)
        return practice

    bare = MainWindow(ctx)
    qtbot.addWidget(bare)
    assert not bare.practice_menu.menuAction().isVisible()
    assert bare.open_training("cn-nifa") is None
    given = MainWindow(ctx, training=opener)
    qtbot.addWidget(given)
    assert given.practice_menu.menuAction().isVisible()
    shown = given.open_training("us-regf")
    assert opened == ["us-regf"]
    assert shown is given._training
    assert shown.started
