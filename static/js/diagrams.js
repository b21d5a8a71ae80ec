/* The generated diagrams of a use case page (templates/usecases/analysis/includes/usecase_diagrams.html).

   - The viewer: a thumbnail, or its "Full size" button, opens the diagram in a dialog at its own size, with zoom
     (buttons, + and -, the wheel) and pan (dragging, the arrow keys); 0 fits it to the window, 1 shows it at 100%.
     The SVG is fetched and put in the page (the thumbnail is an <img>, which shows no tooltips): the tooltips Graphviz
     writes as <a xlink:title> become SVG <title>s, and the titles Graphviz gives every node (its id) are dropped.
   - Pages: a long scenario's sequence diagram comes in pages (data-diagram-page links on its card); the viewer
     turns them with its Previous and Next buttons, or PageUp and PageDown.
   - Deep links: the page fills in after it is shown (the validation panel and the diagrams arrive by htmx). Until the
     reader scrolls, clicks or types, the element the address names is scrolled back to the top after every change.

   Under the Content-Security-Policy: no inline style; positions are set through the CSSOM (element.style). */
(function () {
  "use strict";

  const XLINK = "http://www.w3.org/1999/xlink";
  const SVG = "http://www.w3.org/2000/svg";
  const POINT = 96 / 72; // Graphviz sizes SVGs in points
  const MIN_SCALE = 0.05;
  const MAX_SCALE = 8;
  const STEP = 1.25;

  // --- Deep links -------------------------------------------------------------------------------------------------

  let anchored = window.location.hash.length > 1;

  function keepTarget() {
    if (!anchored) return;
    const target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target) target.scrollIntoView({ block: "start" });
  }

  ["wheel", "touchstart", "keydown", "pointerdown"].forEach(function (type) {
    window.addEventListener(type, function () { anchored = false; }, { passive: true, capture: true });
  });
  window.addEventListener("hashchange", function () { anchored = false; });
  document.addEventListener("htmx:afterSettle", keepTarget);
  document.addEventListener("load", function (event) {
    if (event.target.tagName === "IMG") keepTarget();
  }, true);
  window.addEventListener("load", keepTarget);
  // Any later change of the page's height (a panel swapped in, a diagram or a font loaded, a table laid out again)
  // moves the target: put it back at the top while the reader has not scrolled or clicked.
  if ("ResizeObserver" in window) new ResizeObserver(keepTarget).observe(document.body);

  // A link to a step whose table is still collapsed (a validation finding, a comment) leads to the steps of its
  // scenario that hold it, on a page of their own (usecases:step_locate).
  function stepElsewhere(hash) {
    const found = /^#step-([0-9]+)$/.exec(hash);
    const locate = document.querySelector("[data-step-locate]");
    if (!found || !locate || document.getElementById(hash.slice(1))) return null;
    return locate.dataset.stepLocate.replace(/\/0\/$/, "/" + found[1] + "/");
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest('a[href^="#step-"]');
    const url = link && stepElsewhere(link.getAttribute("href"));
    if (url) {
      event.preventDefault();
      window.location.href = url;
    }
  });

  window.addEventListener("load", function () {
    const url = stepElsewhere(window.location.hash);
    if (url) window.location.replace(url);
  });

  // --- The viewer -------------------------------------------------------------------------------------------------

  let viewer = null;

  function button(label, title, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm btn-outline-secondary";
    element.textContent = label;
    element.title = title;
    element.setAttribute("aria-label", title);
    element.dataset.viewerAction = action;
    return element;
  }

  function buildViewer() {
    const dialog = document.createElement("dialog");
    dialog.className = "diagram-viewer";
    dialog.setAttribute("aria-labelledby", "diagram-viewer-title");
    const bar = document.createElement("div");
    bar.className = "diagram-viewer-bar";
    const title = document.createElement("h2");
    title.className = "h6 mb-0 me-auto";
    title.id = "diagram-viewer-title";
    const zoom = document.createElement("span");
    zoom.className = "small text-body-secondary diagram-viewer-zoom";
    zoom.setAttribute("aria-live", "polite");
    const download = document.createElement("a");
    download.className = "btn btn-sm btn-outline-secondary";
    download.textContent = "Download SVG";
    const close = button("Close", "Close the viewer", "close");
    close.className = "btn btn-sm btn-primary";
    const previous = button("‹ Previous page", "Previous page", "previous");
    const next = button("Next page ›", "Next page", "next");
    const pageLabel = document.createElement("span");
    pageLabel.className = "small text-body-secondary diagram-viewer-page";
    pageLabel.setAttribute("aria-live", "polite");
    const paging = document.createElement("span");
    paging.className = "d-inline-flex align-items-center gap-1";
    paging.append(previous, pageLabel, next);
    bar.append(
      title, paging, zoom,
      button("−", "Zoom out", "out"), button("+", "Zoom in", "in"),
      button("Fit", "Fit to the window", "fit"), button("100%", "Actual size", "actual"),
      download, close
    );
    let pages = [];
    let pageIndex = 0;
    const viewport = document.createElement("div");
    viewport.className = "diagram-viewport";
    viewport.tabIndex = 0;
    viewport.setAttribute("aria-label", "Diagram: drag or use the arrow keys to pan, + and - to zoom");
    const canvas = document.createElement("div");
    canvas.className = "diagram-canvas";
    viewport.append(canvas);
    dialog.append(bar, viewport);
    document.body.append(dialog);

    const state = { scale: 1, x: 0, y: 0, width: 0, height: 0 };

    function apply() {
      canvas.style.transform = "translate(" + state.x + "px, " + state.y + "px) scale(" + state.scale + ")";
      canvas.dataset.scale = state.scale.toFixed(3);
      canvas.dataset.x = Math.round(state.x);
      canvas.dataset.y = Math.round(state.y);
      zoom.textContent = Math.round(state.scale * 100) + "%";
    }

    function zoomAt(factor, clientX, clientY) {
      const box = viewport.getBoundingClientRect();
      const px = (clientX === undefined ? box.width / 2 : clientX - box.left);
      const py = (clientY === undefined ? box.height / 2 : clientY - box.top);
      const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, state.scale * factor));
      state.x = px - (px - state.x) * (scale / state.scale);
      state.y = py - (py - state.y) * (scale / state.scale);
      state.scale = scale;
      apply();
    }

    function fit() {
      const box = viewport.getBoundingClientRect();
      if (!state.width || !state.height) return;
      state.scale = Math.min(1, (box.width - 16) / state.width, (box.height - 16) / state.height);
      state.x = (box.width - state.width * state.scale) / 2;
      state.y = Math.max(8, (box.height - state.height * state.scale) / 2);
      apply();
    }

    function actual() {
      state.scale = 1;
      state.x = 8;
      state.y = 8;
      apply();
    }

    bar.addEventListener("click", function (event) {
      const action = event.target.dataset && event.target.dataset.viewerAction;
      if (action === "in") zoomAt(STEP);
      else if (action === "out") zoomAt(1 / STEP);
      else if (action === "fit") fit();
      else if (action === "actual") actual();
      else if (action === "close") dialog.close();
      else if (action === "previous") turn(-1);
      else if (action === "next") turn(1);
    });

    viewport.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoomAt(event.deltaY < 0 ? STEP : 1 / STEP, event.clientX, event.clientY);
    }, { passive: false });

    let drag = null;
    viewport.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX - state.x, y: event.clientY - state.y };
      viewport.setPointerCapture(event.pointerId);
      viewport.classList.add("dragging");
    });
    viewport.addEventListener("pointermove", function (event) {
      if (!drag) return;
      state.x = event.clientX - drag.x;
      state.y = event.clientY - drag.y;
      apply();
    });
    function endDrag() {
      drag = null;
      viewport.classList.remove("dragging");
    }
    viewport.addEventListener("pointerup", endDrag);
    viewport.addEventListener("pointercancel", endDrag);

    dialog.addEventListener("keydown", function (event) {
      if (event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
      const pan = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] }[event.key];
      if (pan) {
        state.x += pan[0];
        state.y += pan[1];
        apply();
      } else if (event.key === "+" || event.key === "=") zoomAt(STEP);
      else if (event.key === "-") zoomAt(1 / STEP);
      else if (event.key === "0") fit();
      else if (event.key === "1") actual();
      else if (event.key === "PageUp" && pages.length > 1) turn(-1);
      else if (event.key === "PageDown" && pages.length > 1) turn(1);
      else return;
      event.preventDefault();
    });

    function show(svg) {
      canvas.replaceChildren(svg);
      const width = parseFloat(svg.getAttribute("width")) * POINT;
      const height = parseFloat(svg.getAttribute("height")) * POINT;
      svg.setAttribute("width", width);
      svg.setAttribute("height", height);
      state.width = width;
      state.height = height;
      fit();
    }

    function message(text) {
      const paragraph = document.createElement("p");
      paragraph.className = "p-3";
      paragraph.textContent = text;
      canvas.replaceChildren(paragraph);
      state.scale = 1;
      state.x = 0;
      state.y = 0;
      apply();
    }

    function showPaging() {
      paging.classList.toggle("d-none", pages.length < 2);
      previous.disabled = pageIndex <= 0;
      next.disabled = pageIndex >= pages.length - 1;
      pageLabel.textContent = "Page " + (pageIndex + 1) + " of " + pages.length;
    }

    function turn(by) {
      const wanted = pageIndex + by;
      if (wanted < 0 || wanted >= pages.length) return;
      pageIndex = wanted;
      showPaging();
      load(pages[pageIndex].url, pages[pageIndex].title);
    }

    function load(url, name) {
      title.textContent = name;
      download.href = url + (url.indexOf("?") < 0 ? "?" : "&") + "download=1";
      message("Loading…");
      if (!dialog.open) dialog.showModal();
      viewport.focus();
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status === 202 ? "still being drawn" : "HTTP " + response.status);
          return response.text();
        })
        .then(function (text) {
          const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
          const root = parsed.documentElement;
          if (root.namespaceURI !== SVG || root.localName !== "svg") throw new Error("not an SVG");
          root.querySelectorAll("script, foreignObject").forEach(function (element) { element.remove(); });
          root.querySelectorAll("g.node > title, g.edge > title, g.graph > title").forEach(function (element) {
            element.remove(); // node ids, not for readers
          });
          root.querySelectorAll("a").forEach(function (link) {
            const tip = link.getAttributeNS(XLINK, "title");
            link.removeAttributeNS(XLINK, "href");
            link.removeAttribute("href");
            if (tip) {
              const tooltip = parsed.createElementNS(SVG, "title");
              tooltip.textContent = tip;
              link.prepend(tooltip);
            }
          });
          show(document.importNode(root, true));
        })
        .catch(function (error) {
          message("This diagram could not be shown (" + error.message + "); try again in a moment.");
        });
    }

    return {
      dialog: dialog,
      open: function (url, name, pagesOfDiagram, index) {
        pages = pagesOfDiagram || [];
        pageIndex = index || 0;
        showPaging();
        load(url, name);
      },
    };
  }

  // The pages of the diagram an opener belongs to (its card's page links), or none.
  function pagesOf(opener) {
    if (!opener.hasAttribute("data-diagram-pages")) return [];
    const card = opener.closest("[data-diagram-key]");
    return Array.from(card ? card.querySelectorAll("[data-diagram-page]") : []).map(function (link) {
      return { url: link.dataset.diagramPage, title: link.dataset.diagramTitle || "Diagram" };
    });
  }

  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-diagram-open]");
    if (!opener || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    viewer = viewer || buildViewer();
    const pages = pagesOf(opener);
    const index = Math.max(0, pages.findIndex(function (page) { return page.url === opener.dataset.diagramOpen; }));
    viewer.open(opener.dataset.diagramOpen, opener.dataset.diagramTitle || "Diagram", pages, index);
  });
})();
