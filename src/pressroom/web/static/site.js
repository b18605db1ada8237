// Small enhancements; every page works without them.
"use strict";

// The editor's preview updates as the author types, through the same renderer as the
// article page (a posted form, checked like any other).
function livePreview(form) {
  const body = form.querySelector("textarea[name=body]");
  const pane = document.querySelector("[data-preview-pane]");
  const target = document.querySelector("[data-preview-body]");
  if (!body || !pane || !target) return;
  let timer = null;
  let sent = 0;
  const refresh = async () => {
    const ticket = ++sent;
    const data = new FormData();
    data.set("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.set("body", body.value);
    const response = await fetch("/editor/preview", { method: "POST", body: data, credentials: "same-origin" });
    if (!response.ok || ticket !== sent) return;
    target.innerHTML = await response.text(); // sanitized by the server's renderer
    pane.hidden = body.value.trim() === "";
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const editor = document.querySelector("form[data-preview]");
  if (editor) livePreview(editor);
});
