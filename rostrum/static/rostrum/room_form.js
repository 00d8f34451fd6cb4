// Shows only the fields that apply: the schedule for a scheduled room, the password for password
// access, the lobby text when the lobby is on. Without JavaScript every field stays visible.
const form = document.querySelector("form[data-room-form]");
if (form) {
  const wrapperOf = (name) => form.querySelector(`[name="${name}"]`)?.closest("div");
  const show = (name, visible) => {
    const wrapper = wrapperOf(name);
    if (wrapper) wrapper.hidden = !visible;
  };
  const sync = () => {
    const permanent = form.querySelector('[name="is_permanent"]')?.checked;
    show("starts_at_local", !permanent);
    show("duration_minutes", !permanent);
    const access = form.querySelector('[name="access_type"]:checked')?.value;
    show("password", access === "password");
    show("lobby_description", form.querySelector('[name="lobby_enabled"]')?.checked);
  };
  form.addEventListener("change", sync);
  sync();
}
