// Generated diagrams and validation of a use case page: while something is still being rendered or validated,
// poll the status endpoint and fill in what is ready. Text from the server is set as text, never as markup.
(function () {
  "use strict";

  const root = document.querySelector("[data-generated-status]");
  if (!root || root.dataset.pending !== "true") {
    return;
  }
  const statusUrl = root.dataset.generatedStatus;
  const firstDelay = 1500;
  const maxDelay = 10000;
  const maxPolls = 120;
  const severityClass = { error: "text-bg-danger", warning: "text-bg-warning", info: "text-bg-info" };
  let polls = 0;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function showDiagram(diagram) {
    const box = root.querySelector('[data-diagram-key="' + CSS.escape(diagram.key) + '"]');
    if (!box || box.dataset.state === diagram.state) {
      return;
    }
    box.dataset.state = diagram.state;
    const body = box.querySelector("[data-diagram-body]");
    if (diagram.state === "ready") {
      const link = element("a");
      link.href = diagram.svg;
      link.target = "_blank";
      link.rel = "noopener";
      const image = element("img", "img-fluid");
      image.src = diagram.svg + "?v=" + encodeURIComponent(diagram.version);
      image.alt = diagram.title;
      link.appendChild(image);
      body.replaceChildren(link);
    } else if (diagram.state === "failed") {
      body.replaceChildren(element("p", "text-danger small mb-0", "This diagram could not be rendered: " + diagram.error));
    }
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 || word === "info" ? "" : "s");
  }

  function showValidation(validation) {
    const block = document.querySelector("[data-validation]");
    if (!block || validation.state !== "done") {
      return;
    }
    const counts = block.querySelector("[data-validation-counts]");
    counts.replaceChildren(
      element("span", "badge text-bg-danger", plural(validation.errors, "error")),
      document.createTextNode(" "),
      element("span", "badge text-bg-warning", plural(validation.warnings, "warning")),
      document.createTextNode(" "),
      element("span", "badge text-bg-info", plural(validation.infos, "info"))
    );
    block.querySelector("[data-validation-state]").textContent = "revision " + validation.revision + ", just now";
    block.querySelector("[data-findings-count]").textContent = String(validation.findings.length);
    const list = block.querySelector("[data-findings]");
    const items = validation.findings.map(function (finding) {
      const item = element("li", "mb-1");
      item.appendChild(element("span", "badge " + (severityClass[finding.severity] || "text-bg-light"), finding.rule));
      item.appendChild(document.createTextNode(" "));
      const link = element("a", "", finding.message);
      link.href = "#" + finding.anchor;
      item.appendChild(link);
      if (finding.hint) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(element("span", "text-body-secondary", finding.hint));
      }
      return item;
    });
    list.replaceChildren.apply(list, items.length ? items : [element("li", "text-body-secondary", "No findings.")]);
  }

  function poll() {
    polls += 1;
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        status.diagrams.forEach(showDiagram);
        showValidation(status.validation);
        if (status.pending) {
          schedule();
        }
      })
      .catch(schedule);
  }

  function schedule() {
    if (polls < maxPolls) {
      window.setTimeout(poll, Math.min(maxDelay, firstDelay * Math.pow(1.15, polls)));
    }
  }

  schedule();
})();
