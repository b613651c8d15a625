"""What visitors and staff read about the puzzle kinds and levels: names, how to play, the rules.
One source for the puzzle pages, the print sheets and the staff figures."""

from flask_babel import lazy_gettext as _l

KIND_NAMES = {
    "sudoku": _l("Sudoku"),
    "wordsearch": _l("Wörter suchen"),
    "maze": _l("Labyrinth"),
    "nonogram": _l("Malen nach Zahlen"),
    "futoshiki": _l("Größer – kleiner"),
}
KIND_LINES = {
    "sudoku": _l("Jede Zahl einmal in jeder Reihe, jeder Spalte und jedem Kasten."),
    "wordsearch": _l("Im Buchstabenfeld sind Wörter versteckt. Finden Sie sie."),
    "maze": _l("Finden Sie mit dem Finger den Weg vom Start zum Ziel."),
    "nonogram": _l("Die Zahlen sagen, welche Kästchen Sie ausmalen. Ein Bild entsteht."),
    "futoshiki": _l("Jede Zahl einmal pro Reihe und Spalte. Die Zeichen < und > helfen."),
}
# How to play on the tablet, in one line.
KIND_HOW = {
    "sudoku": _l("Tippen Sie auf ein leeres Feld und dann auf eine Zahl."),
    "wordsearch": _l("Tippen Sie auf den ersten und dann auf den letzten Buchstaben eines Wortes."),
    "maze": _l("Fahren Sie mit dem Finger vom Start ● bis zum Ziel ★."),
    "nonogram": _l("Tippen Sie ein Kästchen an: einmal malt es aus, noch einmal markiert es als frei."),
    "futoshiki": _l("Tippen Sie auf ein leeres Feld und dann auf eine Zahl."),
}
# What the screen and the print sheet say about the rules, in short sentences.
KIND_RULES = {
    "sudoku": (_l("Schreiben Sie in jedes leere Feld eine Zahl."),
               _l("Jede Zahl steht in jeder Reihe nur einmal."),
               _l("Jede Zahl steht in jeder Spalte nur einmal."),
               _l("Jede Zahl steht in jedem dick umrandeten Kasten nur einmal.")),
    "wordsearch": (_l("Die Wörter unten sind im Feld versteckt."),
                   _l("Kreisen Sie jedes Wort ein."),
                   _l("Haken Sie es in der Liste ab.")),
    "maze": (_l("Beginnen Sie beim Start."),
             _l("Zeichnen Sie den Weg bis zum Ziel."),
             _l("Sie dürfen nicht durch eine Wand gehen.")),
    "nonogram": (_l("Die Zahlen nennen die Blöcke, die Sie ausmalen."),
                 _l("Zwischen zwei Blöcken bleibt mindestens ein Kästchen frei."),
                 _l("Die Zahlen links gelten für die Reihe, die oben für die Spalte.")),
    "futoshiki": (_l("Schreiben Sie in jedes leere Feld eine Zahl."),
                  _l("Jede Zahl steht in jeder Reihe und jeder Spalte nur einmal."),
                  _l("Das Zeichen < oder > zeigt, welche Zahl kleiner ist.")),
}
# On the tablet one taps and the list sits beside the grid: the paper's rules would mislead.
SCREEN_RULES = {
    **KIND_RULES,
    "wordsearch": (_l("Die Wörter in der Liste sind im Feld versteckt."),
                   _l("Ein gefundenes Wort wird in der Liste abgehakt.")),
}
LEVEL_NAMES = {"easy": _l("Leicht"), "medium": _l("Mittel"), "hard": _l("Schwer")}
LEVEL_DOTS = {"easy": "●", "medium": "●●", "hard": "●●●"}
SIZE_NAMES = (_l("klein"), _l("mittel"), _l("groß"))
