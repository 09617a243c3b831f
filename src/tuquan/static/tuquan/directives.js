// Adds one task to the directive form's formset (Django's empty_form with
// __prefix__ replaced by the next index).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("dv-add-task");
  const template = document.getElementById("dv-task-template");
  const total = document.getElementById("id_tasks-TOTAL_FORMS");
  if (!button || !template || !total) return;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    document.getElementById("dv-tasks").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
});
