// The formatting toolbar of rich text fields (ucmr/richtext.py): every textarea marked data-rich-text (by the
// bootstrap filter) gets buttons for bold, italic, a list and a link, which write the same small HTML the server
// keeps (b, i, ul/li, a href); Ctrl+B and Ctrl+I do the same. The server sanitises whatever arrives, so this is a
// convenience, not a guard. No inline script or style: the Content-Security-Policy allows neither.
(function () {
  "use strict";

  const SAFE_LINK = /^(https?:\/\/|mailto:)\S+$/i;

  function escapeAttribute(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function replaceSelection(area, before, middle, after) {
    const start = area.selectionStart;
    const end = area.selectionEnd;
    area.focus();
    area.setRangeText(before + middle + after, start, end, "end");
    area.setSelectionRange(start + before.length, start + before.length + middle.length);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function selected(area) {
    return area.value.slice(area.selectionStart, area.selectionEnd);
  }

  function wrap(area, tag) {
    replaceSelection(area, "<" + tag + ">", selected(area) || "text", "</" + tag + ">");
  }

  function list(area) {
    const lines = (selected(area) || "item").split(/\r?\n/).filter(function (line) {
      return line.trim() !== "";
    });
    const items = lines.map(function (line) {
      return "<li>" + line.trim() + "</li>";
    });
    replaceSelection(area, "<ul>\n", items.join("\n"), "\n</ul>");
  }

  function link(area) {
    const address = (window.prompt("Link address (https://…, http://… or mailto:…)", "https://") || "").trim();
    if (!address || address === "https://") {
      return;
    }
    if (!SAFE_LINK.test(address)) {
      window.alert("Only http, https and mailto links are kept.");
      return;
    }
    replaceSelection(area, '<a href="' + escapeAttribute(address) + '">', selected(area) || address, "</a>");
  }

  function bold(area) {
    wrap(area, "b");
  }

  function italic(area) {
    wrap(area, "i");
  }

  // Each button shows a symbol and is named by hidden text (not aria-label, which would also label the field).
  const ACTIONS = [
    { symbol: "B", name: "Bold", title: "Bold (Ctrl+B)", run: bold, extra: "fw-bold" },
    { symbol: "I", name: "Italic", title: "Italic (Ctrl+I)", run: italic, extra: "fst-italic" },
    { symbol: "•", name: "Bulleted list", title: "A list of the selected lines", run: list, extra: "" },
    { symbol: "↗", name: "Link", title: "A link (http, https or mailto)", run: link, extra: "" },
  ];

  function toolbarFor(area) {
    const bar = document.createElement("div");
    bar.className = "btn-group btn-group-sm mb-1 rich-text-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formatting");
    ACTIONS.forEach(function (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = ("btn btn-outline-secondary " + action.extra).trim();
      button.title = action.title;
      const symbol = document.createElement("span");
      symbol.setAttribute("aria-hidden", "true");
      symbol.textContent = action.symbol;
      const name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = action.name;
      button.append(symbol, name);
      button.addEventListener("click", function () {
        action.run(area);
      });
      bar.appendChild(button);
    });
    return bar;
  }

  function onKey(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) {
      return;
    }
    const key = event.key.toLowerCase();
    if (key === "b" || key === "i") {
      event.preventDefault();
      wrap(event.target, key);
    }
  }

  function setup(root) {
    root.querySelectorAll("textarea[data-rich-text]").forEach(function (area) {
      if (area.dataset.richTextReady) {
        return;
      }
      area.dataset.richTextReady = "true";
      area.parentNode.insertBefore(toolbarFor(area), area);
      area.addEventListener("keydown", onKey);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setup(document);
  });
  // Editors that htmx swaps in (the table editors of a use case page).
  document.addEventListener("htmx:load", function (event) {
    setup(event.detail.elt.parentNode || event.detail.elt);
  });
})();
