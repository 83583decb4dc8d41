// The console's file fields: a chosen file is read as text into the form's textarea (`data-into` names it), so the
// form posts text as every other form does. Files over `data-max` bytes are refused here (the server refuses them
// too); what happened is said in the field's status line (`data-status`), in the page's language when the field
// carries the sentences (`data-too-large`, `data-read`, `data-unreadable`, with %name, %kib and %bytes in them).
"use strict";
document.querySelectorAll("input[type=file][data-into]").forEach((input) => {
  input.addEventListener("change", () => {
    const target = document.getElementById(input.dataset.into);
    const status = document.getElementById(input.dataset.status);
    const file = input.files && input.files[0];
    if (!target || !file) return;
    const max = Number(input.dataset.max || "0");
    const say = (sentence, fallback, values) => {
      if (!status) return;
      let text = sentence || fallback;
      for (const [name, value] of Object.entries(values)) text = text.split(`%${name}`).join(String(value));
      status.textContent = text;
    };
    const values = { name: file.name, kib: Math.round(max / 1024), bytes: file.size };
    if (max && file.size > max) {
      say(input.dataset.tooLarge, "%name is larger than %kib KiB: it was not read.", values);
      return;
    }
    file.text().then(
      (text) => {
        target.value = text;
        say(input.dataset.read, "Read %name (%bytes bytes) into the field below.", values);
      },
      () => say(input.dataset.unreadable, "%name could not be read.", values),
    );
  });
});
