/* Uploads that say what they are doing (a progressive enhancement: without it the form posts
   as usual). On a form marked data-upload: checks each chosen file's type and size against
   the input's accept and data-max-size before anything is sent; shows a <progress> while the
   form uploads; keeps a second click from sending it twice. Every word comes from the page's
   data-* attributes, which the server wrote in the page's language. */
(function () {
  "use strict";

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function accepted(input, file) {
    var accept = (input.getAttribute("accept") || "").split(",").map(function (s) {
      return s.trim().toLowerCase();
    }).filter(Boolean);
    if (!accept.length) { return true; }
    var name = file.name.toLowerCase();
    var type = (file.type || "").toLowerCase();
    return accept.some(function (rule) {
      if (rule.charAt(0) === ".") { return name.slice(-rule.length) === rule; }
      if (rule.slice(-2) === "/*") { return type.indexOf(rule.slice(0, -1)) === 0; }
      return type === rule;
    });
  }

  /* The first problem with the input's chosen files, as a sentence; "" when there is none. */
  function problem(input) {
    var limit = parseInt(input.getAttribute("data-max-size") || "0", 10);
    var files = input.files || [];
    for (var i = 0; i < files.length; i += 1) {
      var values = { name: files[i].name };
      if (!accepted(input, files[i])) { return fill(input.getAttribute("data-wrong-type"), values); }
      if (limit && files[i].size > limit) { return fill(input.getAttribute("data-too-large"), values); }
    }
    return "";
  }

  function show(input, message) {
    var id = input.id + "-check";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "error upload-check";
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(id);
      input.setAttribute("aria-describedby", described.join(" "));
    }
    note.textContent = message;
    note.hidden = !message;
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  function fileInputs(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=file][data-max-size]"));
  }

  function setBusy(form, busy) {
    form.classList.toggle("is-sending", busy);
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"), function (b) {
      b.disabled = busy;
    });
  }

  function progressArea(form) {
    var area = form.querySelector(".upload-progress");
    if (!area) {
      area = document.createElement("div");
      area.className = "upload-progress";
      var label = document.createElement("p");
      label.setAttribute("role", "status");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      area.appendChild(label);
      area.appendChild(bar);
      var actions = form.querySelector(".actions");
      (actions || form.lastElementChild).insertAdjacentElement("beforebegin", area);
    }
    area.hidden = false;
    return { area: area, label: area.querySelector("p"), bar: area.querySelector("progress") };
  }

  /* The server's answer takes the page's place: the page it redirected to, or the form shown
     again with its errors. */
  function showAnswer(xhr, form) {
    var redirected = xhr.responseURL && xhr.responseURL !== form.action;
    /* The address becomes the answer's, in place of the form's (not a new history entry: the
       page written below would not change back on Back, and a reload asks for the answer). */
    if (redirected && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", xhr.responseURL);
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
    window.scrollTo(0, 0);
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var shown = progressArea(form);
    shown.label.textContent = form.getAttribute("data-sending") || "";
    setBusy(form, true);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        shown.bar.value = Math.round((event.loaded / event.total) * 100);
      }
    };
    xhr.upload.onload = function () {
      shown.bar.value = 100;
      shown.label.textContent = form.getAttribute("data-processing") || shown.label.textContent;
    };
    xhr.onload = function () {
      var html = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") === 0;
      if (html) { showAnswer(xhr, form); return; }
      /* Not a page of the site (a proxy's own refusal, say): asking for the address again
         would repeat nothing the person sent, so the form stays, with the failure said. */
      xhr.onerror();
    };
    xhr.onerror = function () {
      setBusy(form, false);
      shown.bar.value = 0;
      shown.label.textContent = form.getAttribute("data-failed") || "";
    };
    xhr.send(data);
  }

  function enhance(form) {
    fileInputs(form).forEach(function (input) {
      input.addEventListener("change", function () { show(input, problem(input)); });
    });
    form.addEventListener("submit", function (event) {
      if (form.classList.contains("is-sending")) { event.preventDefault(); return; }
      var first = null;
      fileInputs(form).forEach(function (input) {
        var message = problem(input);
        show(input, message);
        if (message && !first) { first = input; }
      });
      if (first) {
        event.preventDefault();
        first.focus();
        return;
      }
      if (!window.FormData || !window.XMLHttpRequest || !("upload" in new XMLHttpRequest())) {
        form.classList.add("is-sending");
        return;
      }
      event.preventDefault();
      send(form, event.submitter);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), enhance);
}());
