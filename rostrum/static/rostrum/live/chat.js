// The chat panel: the log (public and private messages), the form, files, and the organisers' delete.

import { el, format, linkify, reconcile, setText, show, timeOf } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);

export function setUpChat(room) {
  const form = $("live-chat-form");
  const input = $("live-chat-text");
  const to = $("live-chat-to");
  // An error ("writing too fast") stays until the next message is on its way.
  input.addEventListener("input", () => room.say($("live-chat-message"), ""));
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const text = input.value.trim();
    if (!text) {
      room.say($("live-chat-message"), room.strings.chat_empty_text);
      input.focus();
      return;
    }
    const data = { text };
    if (to.value === "organisers") data.to = "organisers";
    else if (to.value) data.to = Number(to.value);
    const sent = await room.send("chat.post", data, { control: $("live-chat-send"), status: $("live-chat-message") });
    if (sent) {
      input.value = "";
      room.say($("live-chat-message"), "");
    }
    input.focus();
  });
  setUpFiles(room);
}

// Files: chosen in the labelled file input, sent at once as multipart (XMLHttpRequest, for the
// upload's progress); the server checks the type by content and publishes the chat message.
function setUpFiles(room) {
  const input = $("live-chat-file");
  const status = $("live-chat-message");
  $("live-chat-files-allowed").addEventListener("change", (change) =>
    room.send("chat.allow_files", { allowed: change.currentTarget.checked }, { control: change.currentTarget, status }),
  );
  input.addEventListener("change", () => {
    const file = input.files[0];
    if (file) sendFile(room, file);
  });
}

function sendFile(room, file) {
  const { strings } = room;
  const input = $("live-chat-file");
  const progress = $("live-chat-file-progress");
  const status = $("live-chat-file-status"); // progress and success; refusals go to the chat's status line
  const errors = $("live-chat-message");
  const maximum = Number(input.dataset.maxBytes);
  if (maximum && file.size > maximum) {
    // Refused here, at once, rather than after sending megabytes the server would refuse.
    input.value = "";
    room.say(status, "");
    room.say(errors, strings.chat_file_too_large);
    return;
  }
  const data = new FormData();
  data.append("csrfmiddlewaretoken", $("live-chat-file-form").elements.csrfmiddlewaretoken.value);
  data.append("file", file);
  const request = new XMLHttpRequest();
  // engagement/urls.py: chat_file_upload
  request.open("POST", `/live/sessions/${room.state.session.id}/chat-files/`);
  request.responseType = "json";
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
  });
  const finish = (done, error = "") => {
    input.value = "";
    input.disabled = false;
    progress.hidden = true;
    room.say(status, done);
    room.say(errors, error);
  };
  request.addEventListener("load", () => {
    if (request.status === 201) finish(format(strings.chat_file_sent, { name: file.name }));
    else finish("", request.response?.message || strings.chat_file_failed);
  });
  request.addEventListener("error", () => finish("", strings.chat_file_failed));
  request.addEventListener("abort", () => finish("", strings.chat_file_failed));
  progress.value = 0;
  progress.hidden = false;
  input.disabled = true;
  room.say(errors, "");
  room.say(status, format(strings.chat_file_sending, { name: file.name }));
  request.send(data);
}

// 1234567 -> "1.2 MB", in the page's language.
export function humanSize(bytes, lang) {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const style = { style: "unit", unit: units[unit], unitDisplay: unit ? "short" : "long", maximumFractionDigits: 1 };
  return new Intl.NumberFormat(lang || undefined, style).format(value);
}

function attachmentLink(room, attachment) {
  const size = humanSize(attachment.size, room.lang);
  return el(
    "p",
    { className: "live-chat-file-link" },
    el(
      "a",
      {
        href: attachment.url,
        download: attachment.name,
        "aria-label": format(room.strings.chat_file_label, { name: attachment.name, size }),
      },
      attachment.name,
    ),
    " ",
    el("span", { className: "live-muted" }, `(${size})`),
  );
}

function roleName(strings, role) {
  return strings[`role_${role}`] || role;
}

function privacyTag(room, message) {
  const { strings, state } = room;
  if (message.to_organisers) return strings.chat_tag_organisers;
  if (message.recipient_id === null || message.recipient_id === undefined) return "";
  if (message.recipient_id === state.me.id) return strings.chat_tag_to_you;
  return format(strings.chat_tag_to, { name: room.nameOf(message.recipient_id) });
}

function createMessage(room, message) {
  const tag = privacyTag(room, message);
  const author = el("span", { className: "live-chat-author" }, message.author.name);
  const header = el(
    "p",
    { className: "live-chat-meta" },
    author,
    isOrganiser(message.author.role)
      ? el("span", { className: "live-badge" }, roleName(room.strings, message.author.role))
      : null,
    tag ? el("span", { className: "live-badge live-badge-private" }, tag) : null,
    el("time", { datetime: message.at, className: "live-muted" }, timeOf(message.at, room.lang)),
  );
  const remove = el(
    "button",
    {
      type: "button",
      className: "link live-chat-delete",
      "aria-label": format(room.strings.chat_delete_label, { name: message.author.name }),
      onclick: (click) =>
        room.send("chat.delete", { message_id: message.id }, { control: click.currentTarget, status: $("live-chat-message") }),
    },
    room.strings.chat_delete,
  );
  return el(
    "li",
    { className: tag ? "live-chat-message live-private" : "live-chat-message" },
    header,
    message.text ? el("p", { className: "live-chat-text" }, linkify(message.text)) : null,
    message.attachment ? attachmentLink(room, message.attachment) : null,
    remove,
  );
}

function recipients(room) {
  // [value, label]: everyone; the organisers for those who are not; for organisers (and anyone in a
  // meeting) each person known in the room.
  const { state, strings } = room;
  const options = [["", strings.chat_everyone]];
  const organiser = isOrganiser(state.me.role);
  if (!organiser) options.push(["organisers", strings.chat_organisers]);
  if (organiser || room.roomType === "meeting") {
    for (const person of room.people()) {
      if (person.id === state.me.id || person.waiting) continue;
      options.push([String(person.id), format(strings.chat_person, { name: person.name })]);
    }
  }
  return options;
}

function renderRecipients(room) {
  const select = $("live-chat-to");
  const chosen = select.value;
  const options = recipients(room);
  const same =
    select.options.length === options.length &&
    options.every(([value, label], index) => select.options[index].value === value && select.options[index].text === label);
  if (!same) {
    select.replaceChildren(...options.map(([value, label]) => el("option", { value }, label)));
    select.value = options.some(([value]) => value === chosen) ? chosen : "";
  }
}

export function renderChat(room) {
  const { state, strings } = room;
  const log = $("live-chat-log");
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  reconcile(log, state.chat, {
    create: (message) => createMessage(room, message),
    update: (node) => show(node.querySelector(".live-chat-delete"), isOrganiser(state.me.role)),
  });
  show($("live-chat-empty"), state.chat.length === 0);
  if (nearBottom) log.scrollTop = log.scrollHeight;

  renderRecipients(room);
  const organiser = isOrganiser(state.me.role);
  let note = "";
  if (state.me.is_chat_muted) note = strings.chat_muted;
  else if (state.session.chat_locked) note = organiser ? strings.chat_locked_for_others : strings.chat_locked;
  setText($("live-chat-note"), note);
  show($("live-chat-note"), Boolean(note));
  const closed = state.session.state === "ended" || (!organiser && (state.me.is_chat_muted || state.session.chat_locked));
  for (const control of $("live-chat-form").elements) control.disabled = closed;
  // Organisers may always send files; the others while the organisers allow it.
  show($("live-chat-file-form"), !closed && (organiser || Boolean(state.chat_files_allowed)));
  $("live-chat-files-allowed").checked = Boolean(state.chat_files_allowed);
}
