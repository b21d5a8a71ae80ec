// The library pickers of the table editors (usecases/authoring/pickers.py): every select[data-picker] becomes a
// token field (Tom Select, static/vendor/tom-select) that starts with the selected options only and asks the search
// endpoint (data-search-url) for the others as the author types, or on opening it. Clicking an option adds it
// (no Ctrl needed); the list stays open for the next one; a token's × or Backspace removes it. Under a picker with
// new-object rows (data-new-objects), "Add new …" in the list, or the button under it, opens a row for a new
// library object (ID, name, category): as many as the author wants, sent with the row. Without script the select
// and the rows work as they are.
(function () {
  "use strict";

  const PAGE_SIZE = 20;

  function searchUrl(select, query) {
    const url = new URL(select.dataset.searchUrl, window.location.href);
    url.searchParams.set("q", query);
    url.searchParams.set("page_size", String(PAGE_SIZE));
    return url;
  }

  function text(element, content) {
    element.textContent = content;
    return element;
  }

  // New-object rows: the server renders the filled-in rows and two blank ones; with script the blank ones go,
  // and rows come from the template when asked for.
  function isBlank(row) {
    return Array.from(row.querySelectorAll("input")).every(function (input) {
      return !input.value.trim();
    });
  }

  function renumber(box) {
    const noun = box.dataset.noun;
    box.querySelectorAll("[data-new-object-row]").forEach(function (row, index) {
      const number = String(index + 1);
      row.querySelectorAll("label").forEach(function (label) {
        label.textContent = label.textContent.replace(/^(New \S+) [^:]+:/, "$1 " + number + ":");
      });
      const remove = row.querySelector("[data-remove-new-object]");
      remove.setAttribute("aria-label", "Remove new " + noun + " " + number);
    });
    const rows = box.querySelectorAll("[data-new-object-row]").length;
    box.querySelector("[data-new-objects-title]").hidden = rows === 0;
  }

  function setupRow(box, row) {
    const remove = row.querySelector("[data-remove-new-object]");
    remove.hidden = false;
    remove.addEventListener("click", function () {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(box);
      const focus = next ? next.querySelector("input") : box.querySelector("[data-add-new-object]");
      focus.focus();
    });
  }

  function addNewRow(box, name) {
    const index = box.dataset.nextIndex;
    box.dataset.nextIndex = String(Number(index) + 1);
    const template = box.querySelector("template[data-new-object-template]");
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__index__/g, index);
    const row = holder.firstElementChild;
    box.querySelector("[data-new-object-rows]").appendChild(row);
    setupRow(box, row);
    renumber(box);
    const nameInput = row.querySelector(".new-object-name");
    if (name) {
      nameInput.value = name;
    }
    row.querySelector(".new-object-identifier").focus();
    return row;
  }

  function setupNewObjects(box) {
    if (box.dataset.ready) {
      return;
    }
    box.dataset.ready = "true";
    box.querySelectorAll("[data-new-object-row]").forEach(function (row) {
      if (isBlank(row)) {
        row.remove();
      } else {
        setupRow(box, row);
      }
    });
    renumber(box);
    const button = box.querySelector("[data-add-new-object]");
    button.hidden = false;
    button.addEventListener("click", function () {
      addNewRow(box, "");
    });
  }

  function setupPicker(select) {
    if (select.tomselect) {
      return;
    }
    Array.from(select.options).forEach(function (option) {
      if (!option.selected) {
        option.remove();  // the others come from the search endpoint
      }
    });
    const box = select.dataset.newObjects && document.getElementById(select.dataset.newObjects);
    const noun = box ? box.dataset.noun : "";
    const quick = select.closest("[data-quick-row]");
    const more = {};
    const settings = {
      plugins: { remove_button: { title: "Remove" } },
      valueField: "id",
      labelField: "text",
      searchField: ["text"],
      maxOptions: null,
      placeholder: select.dataset.picker === "actors" ? "Type a name…" : "Type an ID or a name…",
      hidePlaceholder: true,
      preload: "focus",
      hideSelected: true,
      closeAfterSelect: !!quick,  // in the quick row a name is taken and the author moves on
      loadThrottle: 250,
      // The list follows each key at once: a delayed refresh would open it (and take the focus back) after the
      // author picked with Enter and moved on with Tab.
      refreshThrottle: 0,
      load: function (query, callback) {
        const picker = this;
        fetch(searchUrl(select, query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : Promise.reject(response.status);
          })
          .then(function (data) {
            more[query] = data.more;
            // Results that come after the author left the field do not open its list (and take the focus) again.
            picker.isFocused = picker.isFocused && document.activeElement === picker.control_input;
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        no_results: function (data) {
          const note = text(document.createElement("div"), "Nothing in the library matches “" + data.input + "”.");
          note.className = "no-results";
          return note;
        },
        loading: function () {
          const note = text(document.createElement("div"), "Searching…");
          note.className = "no-results";
          return note;
        },
        option_create: function (data, escape) {
          return '<div class="create">Add new ' + escape(noun) + " <strong>" + escape(data.input) + "</strong>…</div>";
        },
      },
      onItemAdd: function () {
        this.setTextboxValue("");  // ready for the next name
        this.refreshOptions(false);
      },
      onLoad: function () {
        const footer = this.dropdown.querySelector(".picker-more");
        if (footer) {
          footer.remove();
        }
        if (more[this.lastQuery || ""]) {
          const hint = text(document.createElement("div"), "More match: type more of the ID or name.");
          hint.className = "picker-more form-text px-2";
          this.dropdown.appendChild(hint);
        }
      },
    };
    if (box) {
      settings.create = function (input, callback) {
        callback();
        this.setTextboxValue("");
        this.close();
        addNewRow(box, input.trim());
      };
    }
    const picker = new TomSelect(select, settings);
    picker.wrapper.classList.add("library-picker");
    // The label now names the type-ahead; the select behind it keeps the name too.
    const label = document.querySelector('label[for="' + CSS.escape(picker.control_input.id) + '"]');
    if (label && label.id) {
      select.setAttribute("aria-labelledby", label.id);
    }
    // Escape closes an open list without cancelling the form (authoring.js cancels on Escape).
    let wasOpen = false;
    picker.wrapper.addEventListener("keydown", function (event) {
      wasOpen = picker.isOpen;
    }, true);
    picker.wrapper.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && wasOpen) {
        event.stopPropagation();
      }
    });
    if (quick) {
      picker.wrapper.addEventListener("keydown", function (event) {
        quickKey(picker, quick, event);
      }, true);
    }
  }

  // The quick row (templates/usecases/authoring/quick_row.html) is filled in one pass: Tab takes the highlighted name
  // and moves on; Enter takes it and saves the row, and on an empty picker saves the row at once. "Add new …"
  // (a new library object) opens its row instead, its ID to type, where Enter saves.
  function quickKey(picker, form, event) {
    if (event.target !== picker.control_input || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) {
      return;
    }
    const typed = picker.control_input.value.trim();
    const option = picker.canSelect(picker.activeOption) ? picker.activeOption : null;
    if (event.key === "Tab") {
      if (typed && option) {
        if (option.classList.contains("create")) {
          event.preventDefault();  // the new object's row takes the focus
        }
        picker.onOptionSelect(event, option);
      }
      return;
    }
    if (event.key !== "Enter" || (typed && (!option || option.classList.contains("create")))) {
      return;  // Tom Select's own: nothing matches yet, or "Add new …"
    }
    event.preventDefault();
    event.stopPropagation();
    if (option && typed) {
      picker.onOptionSelect(event, option);
    }
    picker.close();
    form.requestSubmit();
  }

  // A single name (3.1's actor): a text field becomes a one-item type-ahead over the library whose value is the
  // name, as the form reads it. Where the author may add to the library (data-new-type), "Add new actor …" keeps
  // the typed name and moves the focus to the new actor's type. Enter takes the highlighted name and saves the form
  // (data-enter-saves).
  function setupSinglePicker(input) {
    if (input.tomselect) {
      return;
    }
    input.removeAttribute("list");  // the type-ahead suggests instead of the datalist
    const newType = input.dataset.newType && document.getElementById(input.dataset.newType);
    const picker = new TomSelect(input, {
      maxItems: 1,
      valueField: "text",
      labelField: "text",
      searchField: ["text"],
      maxOptions: null,
      placeholder: "Type a name…",
      preload: "focus",
      loadThrottle: 250,
      refreshThrottle: 0,
      closeAfterSelect: true,
      persist: false,
      create: newType ? function (name, callback) {
        callback({ text: name.trim() });
        window.setTimeout(function () {
          newType.focus();
        }, 0);
      } : false,
      load: function (query, callback) {
        const tom = this;
        fetch(searchUrl(input, query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : Promise.reject(response.status);
          })
          .then(function (data) {
            tom.isFocused = tom.isFocused && document.activeElement === tom.control_input;
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        option_create: function (data, escape) {
          return '<div class="create">Add new actor <strong>' + escape(data.input) + "</strong>…</div>";
        },
        no_results: function (data) {
          return text(document.createElement("div"), "No actor of the library is called “" + data.input + "”.");
        },
      },
    });
    picker.wrapper.classList.add("library-picker");
    const form = input.form;
    if (input.dataset.enterSaves && form) {
      picker.wrapper.addEventListener("keydown", function (event) {
        quickKey(picker, form, event);
      }, true);
    }
    if (newType) {  // Enter on the new actor's type saves the form too
      newType.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && form) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    }
  }

  function setup(root) {
    root.querySelectorAll(".new-objects").forEach(setupNewObjects);
    root.querySelectorAll("select[data-picker]").forEach(setupPicker);
    root.querySelectorAll("input[data-picker][data-single]").forEach(setupSinglePicker);
  }

  document.addEventListener("htmx:load", function (event) {
    setup(event.detail.elt);
  });
})();
