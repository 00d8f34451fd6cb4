// Sends the library upload form with XMLHttpRequest to show upload progress; the form posts as
// usual when this script does not run. The server answers JSON: {redirect} or {errors: [...]}.
const form = document.querySelector("[data-library-upload]");

function message(name, percent) {
  const template = document.querySelector("[data-upload-messages]");
  const text = template.content.querySelector(`[data-message="${name}"]`).textContent;
  return percent === undefined ? text : `${text} ${percent}%`;
}

function showErrors(errors) {
  const box = form.querySelector("[data-upload-errors]");
  box.replaceChildren();
  const list = document.createElement("ul");
  list.className = "errorlist";
  for (const error of errors) {
    const item = document.createElement("li");
    item.textContent = error;
    list.append(item);
  }
  box.append(list);
}

function upload(event) {
  event.preventDefault();
  const progress = form.querySelector("[data-upload-progress]");
  const bar = progress.querySelector("progress");
  const status = progress.querySelector("[data-upload-status]");
  const button = form.querySelector("button[type=submit]");
  const request = new XMLHttpRequest();
  let lastAnnounced = -10;
  request.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    const percent = Math.floor((100 * e.loaded) / e.total);
    bar.value = percent;
    bar.textContent = `${percent}%`;
    if (percent === 100) status.textContent = message("checking");
    else if (percent - lastAnnounced >= 10) {
      status.textContent = message("uploading", percent); // every 10 %: screen readers are not flooded
      lastAnnounced = percent;
    }
  });
  request.addEventListener("load", () => {
    let data = {};
    try {
      data = JSON.parse(request.responseText);
    } catch {
      data = { errors: [message("failed")] };
    }
    if (request.status === 200 && data.redirect) {
      window.location.assign(data.redirect);
      return;
    }
    button.disabled = false;
    progress.hidden = true;
    showErrors(data.errors || [message("failed")]);
  });
  request.addEventListener("error", () => {
    button.disabled = false;
    progress.hidden = true;
    showErrors([message("failed")]);
  });
  request.open("POST", form.action || window.location.href);
  request.setRequestHeader("Accept", "application/json");
  request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
  progress.hidden = false;
  bar.value = 0;
  button.disabled = true;
  request.send(new FormData(form));
}

if (form) form.addEventListener("submit", upload);
