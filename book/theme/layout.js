// The book's own layout help (book.toml: additional-js); see theme/layout.css.
(function () {
    'use strict';
    // Tables of two or more columns: name each cell after its column, so that on a
    // phone, where each row is shown as a card, every value says what it is.
    document.querySelectorAll('.content main table').forEach(function (table) {
        const names = Array.from(table.querySelectorAll('thead th')).map(function (th) {
            return th.textContent.trim();
        });
        if (names.length < 2) {
            return;
        }
        table.classList.add('stacked');
        table.querySelectorAll('tbody tr').forEach(function (tr) {
            Array.from(tr.children).forEach(function (td, i) {
                if (names[i]) {
                    td.setAttribute('data-label', names[i]);
                }
            });
        });
    });
    // A picture's paragraph is its box (for browsers without :has()).
    document.querySelectorAll('.content main img[src$=".svg"]').forEach(function (img) {
        // mdbook wraps each picture in a <label> (click to enlarge), inside a <p>.
        const box = img.closest('p');
        if (box) {
            box.classList.add('picture');
        }
    });
})();
