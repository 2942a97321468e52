// The language menu (book.toml: additional-js): English, 한국어, 繁體中文, each leading
// to the same page and section in the other book. book/build-all.sh builds the three
// books side by side, English in book/book/html/ and the others in book/book/LANG/html/.
(function () {
    'use strict';
    const languages = [['en', 'English'], ['ko', '한국어'], ['zh-TW', '繁體中文']];
    const current = document.documentElement.lang || 'en';
    // mdbook's path_to_root leads from this page to its book's root folder.
    const root = new URL(typeof path_to_root === 'string' && path_to_root ? path_to_root : './',
        location.href);
    const parent = new URL(current === 'en' ? '../' : '../../', root);
    // This page and section ("timeouts.html#run-it") in the book of `lang`.
    function hrefIn(lang) {
        const page = location.href.startsWith(root.href) ? location.href.slice(root.href.length) : '';
        return new URL(page, new URL(lang === 'en' ? 'html/' : lang + '/html/', parent)).href;
    }

    const rightButtons = document.querySelector('#mdbook-menu-bar .right-buttons');
    if (!rightButtons) {
        return;
    }
    const toggle = document.createElement('button');
    toggle.id = 'language-toggle';
    toggle.className = 'icon-button';
    toggle.type = 'button';
    toggle.title = 'Language / 언어 / 語言';
    toggle.setAttribute('aria-label', toggle.title);
    toggle.setAttribute('aria-haspopup', 'true');
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', 'language-list');
    toggle.textContent = (languages.find(function (l) { return l[0] === current; }) || languages[0])[1];

    const list = document.createElement('ul');
    list.id = 'language-list';
    list.className = 'theme-popup';
    list.setAttribute('role', 'menu');
    list.setAttribute('aria-label', toggle.title);
    // mdbook's .theme-popup is display: none until its script shows it; so is this one.
    list.style.display = 'none';
    languages.forEach(function (l) {
        const item = document.createElement('li');
        item.setAttribute('role', 'none');
        const link = document.createElement('a');
        link.setAttribute('role', 'menuitem');
        link.className = 'theme' + (l[0] === current ? ' theme-selected' : '');
        link.lang = l[0];
        link.href = hrefIn(l[0]);
        link.textContent = l[1];
        item.appendChild(link);
        list.appendChild(item);
    });

    function isOpen() {
        return list.style.display === 'block';
    }
    function show(open) {
        if (open) {
            // The section the reader has jumped to since the page loaded, too.
            list.querySelectorAll('a').forEach(function (link) {
                link.href = hrefIn(link.lang);
            });
        }
        list.style.display = open ? 'block' : 'none';
        toggle.setAttribute('aria-expanded', String(open));
    }
    toggle.addEventListener('click', function (event) {
        event.stopPropagation();
        show(!isOpen());
    });
    document.addEventListener('click', function (event) {
        if (!list.contains(event.target)) {
            show(false);
        }
    });
    document.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') {
            show(false);
        }
    });
    rightButtons.insertBefore(list, rightButtons.firstChild);
    rightButtons.insertBefore(toggle, rightButtons.firstChild);
})();
