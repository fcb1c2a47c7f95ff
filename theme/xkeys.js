// Hanging indents for terminal output (wired in by book.toml's `additional-js`).
//
// theme/xkeys.css makes ```text blocks wrap; this script only makes the wrapped lines easier to read:
// each line becomes a box whose continuation lines start under the line's text, not at the margin:
//
//   Fix:   In the developer portal open your app → 'Keys and tokens'. Regenerate the
//          'Access Token and Secret' (and, if you aren't sure …
//
// The text itself is left exactly as it was (the lines' "\n" stay between the boxes), so the copy
// button copies what the program printed. Without JavaScript the lines still wrap, from the margin.
(function () {
    'use strict';

    // How far continuation lines hang, in characters:
    //   "  Why:   text" and "✘ error: text"  → under the text after the label;
    //   "  ✘ X's answer      401 …"        → under the value column (after a run of 2+ spaces);
    //   anything else                       → its own indentation plus 2.
    function hang(line) {
        const label = /^(\s*(?:[✘✔→!·]\s+)?[A-Za-z][\w-]*:\s+)\S/u.exec(line);
        if (label) {
            return Array.from(label[1]).length;
        }
        const column = /^(\s*[✘✔→!·]\s+\S.*?\s{2,})\S/u.exec(line);
        if (column) {
            return Array.from(column[1]).length;
        }
        const indent = /^\s*/.exec(line)[0].length;
        return indent + 2;
    }

    function markUp(code) {
        if (code.dataset.xkLines) {
            return;
        }
        code.dataset.xkLines = '1';
        const text = code.textContent;
        const lines = text.split('\n');
        const fragment = document.createDocumentFragment();
        lines.forEach((line, i) => {
            if (i > 0) {
                fragment.appendChild(document.createTextNode('\n'));
            }
            if (line === '' && i === lines.length - 1) {
                return; // the block's final newline
            }
            const span = document.createElement('span');
            span.className = 'xk-line';
            span.style.setProperty('--xk-hang', String(Math.min(hang(line), 40)));
            // An empty line stays an empty box: the "\n" after it gives it its line.
            span.textContent = line;
            fragment.appendChild(span);
        });
        code.replaceChildren(fragment);
    }

    function run() {
        document.querySelectorAll('.content pre > code.language-text').forEach(markUp);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', run);
    } else {
        run();
    }
})();
