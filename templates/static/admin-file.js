// The console's file fields: a chosen file is read as text into the form's textarea (`data-into` names it), so the
// form posts text as every other form does. Files over `data-max` bytes are refused here (the server refuses them
// too); what happened is said in the field's status line (`data-status`).
"use strict";
document.querySelectorAll("input[type=file][data-into]").forEach((input) => {
  input.addEventListener("change", () => {
    const target = document.getElementById(input.dataset.into);
    const status = document.getElementById(input.dataset.status);
    const file = input.files && input.files[0];
    if (!target || !file) return;
    const max = Number(input.dataset.max || "0");
    if (max && file.size > max) {
      if (status) status.textContent = `${file.name} is larger than ${Math.round(max / 1024)} KiB: it was not read.`;
      return;
    }
    file.text().then(
      (text) => {
        target.value = text;
        if (status) status.textContent = `Read ${file.name} (${file.size} bytes) into the field below.`;
      },
      () => {
        if (status) status.textContent = `${file.name} could not be read.`;
      },
    );
  });
});
