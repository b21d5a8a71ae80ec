// The table editors of a use case page (usecases/authoring). htmx swaps only 2xx answers by default; an editor's
// refusals come as 400 (incomplete post), 409 (someone else changed the use case, or it is no longer a draft) and
// 422 (the form has errors), each with the editor to show, so those are swapped in too. After a write, the server
// sends the event usecaseRevised {from, to}: every form of the page still at the revision before that write (and the
// revision shown in the header) moves to the new one. Forms at an older revision stay stale, as they should.
(function () {
  "use strict";

  const SWAPPED_REFUSALS = [400, 409, 422];

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (SWAPPED_REFUSALS.includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The tables as a spreadsheet: one cell of a table in the tab order (a roving tabindex); arrow keys, Home and End
  // move between cells; Enter (or F2) opens the row's form on the cell's field (data-fields names the field of each
  // column); Alt+Up and Alt+Down move the row; Delete deletes it (after htmx's confirm); Insert opens the new-row
  // form. In a form Ctrl+Enter saves and Escape cancels. After the editor comes back, the focus goes back to where
  // it was: the same cell of the same row, or the new-row form after adding one.
  let pendingFocus = null;

  function cellsOf(row) {
    return Array.from(row.children).filter(function (cell) {
      return !cell.matches(":last-child");  // the Actions column is reached with Tab
    });
  }

  function setupGrid(grid) {
    const rows = Array.from(grid.querySelectorAll("tbody tr[data-row]"));
    rows.forEach(function (row) {
      cellsOf(row).forEach(function (cell) {
        cell.tabIndex = -1;
      });
    });
    if (rows.length && !grid.querySelector("td[tabindex='0']")) {
      cellsOf(rows[0])[0].tabIndex = 0;
    }
  }

  function focusCell(cell) {
    const grid = cell.closest("[data-grid]");
    grid.querySelectorAll("td[tabindex='0']").forEach(function (other) {
      other.tabIndex = -1;
    });
    cell.tabIndex = 0;
    cell.focus();
  }

  function editorOf(element) {
    return element.closest("[data-editor-id]");
  }

  function rowButton(row, selector) {
    return row.querySelector("td:last-child " + selector);
  }

  function onGridKey(event) {
    const cell = event.target.closest("td");
    const row = cell && cell.closest("tr[data-row]");
    if (!row || event.target !== cell) {
      return;
    }
    const grid = row.closest("[data-grid]");
    const rows = Array.from(grid.querySelectorAll("tbody tr[data-row]"));
    const cells = cellsOf(row);
    const column = cells.indexOf(cell);
    const rowIndex = rows.indexOf(row);
    const editorId = editorOf(grid).dataset.editorId;
    const fields = (grid.dataset.fields || "").split(" ");
    let target = null;
    let button = null;
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      button = rowButton(row, 'button[value="' + (event.key === "ArrowUp" ? "up" : "down") + '"]');
      pendingFocus = { editorId: editorId, row: row.dataset.row, column: column };
    } else if (event.key === "ArrowUp" && rowIndex > 0) {
      target = cellsOf(rows[rowIndex - 1])[column];
    } else if (event.key === "ArrowDown" && rowIndex < rows.length - 1) {
      target = cellsOf(rows[rowIndex + 1])[column];
    } else if (event.key === "ArrowLeft" && column > 0) {
      target = cells[column - 1];
    } else if (event.key === "ArrowRight" && column < cells.length - 1) {
      target = cells[column + 1];
    } else if (event.key === "Home") {
      target = event.ctrlKey ? cellsOf(rows[0])[0] : cells[0];
    } else if (event.key === "End") {
      target = event.ctrlKey ? cellsOf(rows[rows.length - 1])[column] : cells[cells.length - 1];
    } else if (event.key === "Enter" || event.key === "F2") {
      button = rowButton(row, "a[hx-get]");
      pendingFocus = { editorId: editorId, row: row.dataset.row, column: column, field: fields[column] || "" };
    } else if (event.key === "Delete") {
      button = rowButton(row, "button.btn-outline-danger");
      pendingFocus = { editorId: editorId, row: rows[rowIndex + 1] ? rows[rowIndex + 1].dataset.row : "", column: column };
    } else if (event.key === "Insert") {
      openNewRow(editorOf(grid));
      event.preventDefault();
      return;
    } else {
      return;
    }
    event.preventDefault();
    if (target) {
      focusCell(target);
    } else if (button && !button.disabled) {
      button.click();
    }
  }

  function openNewRow(editor) {
    const details = editor.querySelector("details[data-new-row]");
    if (details) {
      details.open = true;
      const first = details.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    }
  }

  function onFormKey(event) {
    const editor = editorOf(event.target);
    if (!editor || !event.target.form) {
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (event.target.form.closest("details[data-new-row]")) {
        pendingFocus = { editorId: editor.dataset.editorId, newRow: true };
      } else if (editor.dataset.editing) {
        pendingFocus = pendingFocus || { editorId: editor.dataset.editorId, row: editor.dataset.editing, column: 0 };
      }
      event.target.form.requestSubmit();
    } else if (event.key === "Escape") {
      const cancel = editor.querySelector("[data-cancel]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("[data-grid] tbody")) {
      onGridKey(event);
    } else if (event.target.closest && event.target.closest("[data-editor-id] form")) {
      onFormKey(event);
    }
  });

  function restoreFocus(event) {
    if (!pendingFocus) {
      return;
    }
    const selector = '[data-editor-id="' + CSS.escape(pendingFocus.editorId) + '"]';
    const settled = event.target;  // only the editor that came back takes the focus, not another swap meanwhile
    const editor = settled.matches(selector) ? settled : settled.querySelector(selector);
    if (!editor) {
      return;
    }
    const wanted = pendingFocus;
    if (editor.dataset.editing) {  // a row's form: its field of the cell, or its first field
      const field = wanted.field && document.getElementById(wanted.editorId + "-" + editor.dataset.editing + "-" + wanted.field);
      const first = editor.querySelector("form input:not([type=hidden]), form select, form textarea");
      (field || first || editor).focus();
      return;  // the table comes back after the form: keep the row and column to return to
    }
    pendingFocus = null;
    if (wanted.newRow) {
      openNewRow(editor);
      return;
    }
    const row = wanted.row && document.getElementById(wanted.editorId + "-row-" + wanted.row);
    const rows = editor.querySelectorAll("tbody tr[data-row]");
    const target = row || rows[rows.length - 1];
    if (target) {
      const cells = cellsOf(target);
      focusCell(cells[Math.min(wanted.column || 0, cells.length - 1)]);
    }
  }

  document.addEventListener("htmx:load", function (event) {
    event.detail.elt.querySelectorAll("[data-grid]").forEach(setupGrid);
    if (event.detail.elt.matches && event.detail.elt.matches("[data-grid]")) {
      setupGrid(event.detail.elt);
    }
  });

  document.addEventListener("htmx:afterSettle", restoreFocus);

  // The validation panel fetches itself again after edits and while pending: a findings list the author opened (or
  // closed) stays so.
  let findingsOpen = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const findings = event.detail.target.matches("#validation") && event.detail.target.querySelector("details");
    findingsOpen = findings ? findings.open : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    const findings = document.querySelector("#validation details");
    if (findings && findingsOpen !== null) {
      findings.open = findingsOpen;
    }
    findingsOpen = null;
  });

  document.addEventListener("usecaseRevised", function (event) {
    const before = String(event.detail.from);
    const after = String(event.detail.to);
    document.querySelectorAll('input[name="revision"]').forEach(function (input) {
      if (input.value === before) {
        input.value = after;
      }
    });
    document.querySelectorAll("[data-usecase-revision]").forEach(function (shown) {
      if (shown.textContent === before) {
        shown.textContent = after;
      }
    });
  });
})();
