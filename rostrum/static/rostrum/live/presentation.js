// Presentations: an organiser shows a converted library file; everyone sees the same page.
//
// The state's `presentation` (snapshot + reducers) says which file, which page, who has control,
// the strokes of the page and whether the file may be downloaded. Whoever has control moves the
// pages (buttons, or the arrow keys), points (a pointer frame at most every 50 ms, not kept by the
// server) and draws (one stroke frame per line, points from 0 to 1 across the page).

import { el, format, reconcile, setText, show } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);
// engagement.constants.STROKE_COLOURS, and the shade each is drawn in.
const COLOURS = { red: "#d32f2f", blue: "#1565c0", green: "#2e7d32", orange: "#ef6c00", black: "#212121" };
const PEN_WIDTH = 4; // in thousandths of the page's width, as the server keeps it: 1..24
const POINTER_INTERVAL_MS = 50; // at most 20 pointer frames a second
const POINTER_SHOWN_MS = 3000; // a pointer that has not moved for this long is hidden
const MAX_POINTS = 2000; // engagement.constants.STROKE_MAX_POINTS

const tool = { mode: "pointer", colour: "red" };
let drawing = null; // the stroke being drawn: {page, points}
let lastPointerSent = 0;
let pendingPointer = null;
let pointerTimer = null;
let remotePointer = null; // {id, page, x, y, at}
let hidePointerTimer = null;

function controls(room) {
  const shown = room.state?.presentation;
  return Boolean(shown && isOrganiser(room.state.me.role) && shown.controller?.id === room.state.me.id);
}

function relative(event) {
  const box = $("live-slide-canvas").getBoundingClientRect();
  const clamp = (value) => Math.min(1, Math.max(0, value));
  return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
}

function round(value) {
  return Math.round(value * 10000) / 10000;
}

function sendPointer(room, x, y) {
  pendingPointer = [x, y];
  const wait = lastPointerSent + POINTER_INTERVAL_MS - Date.now();
  if (wait > 0) {
    pointerTimer ??= setTimeout(() => {
      pointerTimer = null;
      if (pendingPointer) sendPointer(room, ...pendingPointer);
    }, wait);
    return;
  }
  lastPointerSent = Date.now();
  const [px, py] = pendingPointer;
  pendingPointer = null;
  room.send("presentation.pointer", { x: round(px), y: round(py) }, { quiet: true });
}

function movePage(room, step) {
  const shown = room.state?.presentation;
  if (!shown || !controls(room)) return;
  const page = shown.page + step;
  if (page < 1 || page > shown.page_count) return;
  room.send("presentation.page", { page }, { status: $("live-presentation-message") });
}

async function listFiles(room) {
  const list = $("live-present-list");
  const status = $("live-presentation-message");
  const reply = await room.send("presentation.files", {}, { control: $("live-present"), status });
  if (!reply) return;
  const files = reply.files || [];
  reconcile(list, files, {
    create: (file) =>
      el("li", {}, el("button", { type: "button", className: "secondary", onclick: async (click) => {
        const opened = await room.send("presentation.open", { file_id: file.id }, { control: click.currentTarget, status });
        if (opened) {
          show($("live-present-files"), false);
          $("live-present").setAttribute("aria-expanded", "false");
        }
      } })),
    update: (node, file) => {
      setText(node.firstChild, format(room.strings.presentation_file, { name: file.name, count: file.page_count }));
    },
  });
  show($("live-present-empty"), files.length === 0);
  show($("live-present-files"), true);
  $("live-present").setAttribute("aria-expanded", "true");
}

export function setUpPresentation(room) {
  const status = $("live-presentation-message");
  $("live-present").addEventListener("click", () => {
    if ($("live-present").getAttribute("aria-expanded") === "true") {
      show($("live-present-files"), false);
      $("live-present").setAttribute("aria-expanded", "false");
    } else listFiles(room);
  });
  $("live-slide-prev").addEventListener("click", () => movePage(room, -1));
  $("live-slide-next").addEventListener("click", () => movePage(room, 1));
  $("live-slide-close").addEventListener("click", (click) =>
    room.send("presentation.close", {}, { control: click.currentTarget, status }),
  );
  $("live-slide-downloads").addEventListener("change", (change) =>
    room.send("presentation.downloads", { allowed: change.currentTarget.checked }, { control: change.currentTarget, status }),
  );
  $("live-slide-controller").addEventListener("change", (change) => {
    const id = Number(change.currentTarget.value);
    if (id) room.send("presentation.control", { participant_id: id }, { control: change.currentTarget, status });
  });
  $("live-slide-clear").addEventListener("click", (click) => {
    const shown = room.state?.presentation;
    if (shown) room.send("presentation.clear", { page: shown.page }, { control: click.currentTarget, status });
  });
  for (const button of document.querySelectorAll("#live-slide-tools [data-tool]")) {
    button.addEventListener("click", () => {
      tool.mode = button.dataset.tool;
      if (button.dataset.colour) tool.colour = button.dataset.colour;
      renderTools();
    });
  }
  // Arrow keys move the pages for whoever has control, unless they are typing somewhere.
  document.addEventListener("keydown", (key) => {
    if (!controls(room) || key.altKey || key.ctrlKey || key.metaKey) return;
    if (key.target.closest?.("input, textarea, select, [contenteditable]")) return;
    if (key.key === "ArrowRight" || key.key === "PageDown") movePage(room, 1);
    else if (key.key === "ArrowLeft" || key.key === "PageUp") movePage(room, -1);
    else return;
    key.preventDefault();
  });

  const canvas = $("live-slide-canvas");
  canvas.addEventListener("pointerdown", (down) => {
    if (!controls(room) || tool.mode !== "pen") return;
    canvas.setPointerCapture(down.pointerId);
    drawing = { page: room.state.presentation.page, points: [relative(down)] };
    drawStrokes(room);
  });
  canvas.addEventListener("pointermove", (move) => {
    if (!controls(room)) return;
    if (drawing) {
      if (drawing.points.length < MAX_POINTS) drawing.points.push(relative(move));
      drawStrokes(room);
    } else if (tool.mode === "pointer") sendPointer(room, ...relative(move));
  });
  const finish = () => {
    if (!drawing) return;
    const stroke = { page: drawing.page, points: drawing.points.map(([x, y]) => [round(x), round(y)]), colour: tool.colour, width: PEN_WIDTH };
    drawing = null;
    room.send("presentation.stroke", stroke, { status }).then(() => drawStrokes(room));
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  $("live-slide-image").addEventListener("load", () => drawStrokes(room));
  window.addEventListener("resize", () => drawStrokes(room));
}

// A pointer frame from the server (not sequenced): where the controller points now.
export function showPointer(room, frame) {
  const data = frame.data || {};
  remotePointer = { ...data };
  renderPointer(room);
  clearTimeout(hidePointerTimer);
  hidePointerTimer = setTimeout(() => {
    remotePointer = null;
    renderPointer(room);
  }, POINTER_SHOWN_MS);
}

function renderPointer(room) {
  const shown = room.state?.presentation;
  const dot = $("live-slide-pointer");
  const visible = Boolean(shown && remotePointer && remotePointer.id === shown.id && remotePointer.page === shown.page);
  show(dot, visible);
  if (visible) {
    dot.style.left = `${remotePointer.x * 100}%`;
    dot.style.top = `${remotePointer.y * 100}%`;
  }
}

function renderTools() {
  for (const button of document.querySelectorAll("#live-slide-tools [data-tool]")) {
    const pressed = button.dataset.tool === tool.mode && (!button.dataset.colour || button.dataset.colour === tool.colour);
    button.setAttribute("aria-pressed", String(pressed));
  }
  $("live-slide-canvas").dataset.tool = tool.mode;
}

function drawStrokes(room) {
  const shown = room.state?.presentation;
  const canvas = $("live-slide-canvas");
  const image = $("live-slide-image");
  if (!shown) return;
  const width = image.clientWidth || canvas.clientWidth;
  const height = image.clientHeight || canvas.clientHeight;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, width, height);
  context.lineCap = "round";
  context.lineJoin = "round";
  const strokes = [...shown.strokes];
  if (drawing && drawing.page === shown.page) strokes.push({ ...drawing, colour: tool.colour, width: PEN_WIDTH });
  for (const stroke of strokes) {
    if (stroke.page !== shown.page || !stroke.points.length) continue;
    context.strokeStyle = COLOURS[stroke.colour] || COLOURS.black;
    context.lineWidth = Math.max(1, (stroke.width * width) / 1000);
    context.beginPath();
    const [first, ...rest] = stroke.points;
    context.moveTo(first[0] * width, first[1] * height);
    if (!rest.length) context.lineTo(first[0] * width + 0.1, first[1] * height);
    for (const [x, y] of rest) context.lineTo(x * width, y * height);
    context.stroke();
  }
}

export function renderPresentation(room) {
  const { state, strings } = room;
  const shown = state.presentation;
  const organiser = isOrganiser(state.me.role);
  const ended = state.session.state === "ended";
  show($("live-presentation"), organiser || Boolean(shown));
  show($("live-present-bar"), organiser && !ended);
  show($("live-slide"), Boolean(shown));
  if (!shown) return;
  const image = $("live-slide-image");
  const source = `${shown.pages_url}${shown.page}/`;
  if (image.getAttribute("src") !== source) image.setAttribute("src", source);
  const label = format(strings.slide_of, { page: shown.page, count: shown.page_count });
  image.setAttribute("alt", label);
  setText($("live-slide-name"), shown.file.name);
  setText($("live-slide-counter"), label);

  const mine = controls(room);
  show($("live-slide-nav"), mine);
  show($("live-slide-tools"), mine);
  $("live-slide-prev").disabled = shown.page <= 1;
  $("live-slide-next").disabled = shown.page >= shown.page_count;
  $("live-slide-canvas").classList.toggle("is-active", mine);
  const controller = shown.controller;
  setText(
    $("live-slide-controller-note"),
    controller ? format(mine ? strings.slide_you_control : strings.slide_controlled_by, { name: controller.name }) : "",
  );

  show($("live-slide-admin"), organiser);
  if (organiser) {
    $("live-slide-downloads").checked = Boolean(shown.downloads_allowed);
    const select = $("live-slide-controller");
    const presenters = room.people().filter((person) => isOrganiser(person.role));
    if (controller && !presenters.some((person) => person.id === controller.id)) presenters.unshift(controller);
    const options = [{ id: 0, name: strings.slide_give_control }, ...presenters];
    reconcile(select, options, {
      create: () => el("option"),
      update: (node, person) => {
        node.value = String(person.id);
        setText(node, person.id && person.id === state.me.id ? format(strings.you_name, { name: person.name }) : person.name);
      },
    });
    select.value = "0";
  }

  const download = $("live-slide-download");
  const url = shown.downloads_allowed && shown.download_url;
  show(download, Boolean(url) && !organiser);
  if (url) {
    if (download.getAttribute("href") !== url) download.setAttribute("href", url);
  } else download.removeAttribute("href");

  renderTools();
  renderPointer(room);
  drawStrokes(room);
}
