// The whiteboard: a shared board organisers show to the room; they draw on it, and in a meeting
// everyone admitted does too once allowed.
//
// The state's `whiteboard` (snapshot + reducers) is null or the shown board with its items. Items
// are drawn from state on every render; the one being drawn is drawn locally and sent on
// pointer-up (one `whiteboard.add` frame, points from 0 to 1 across the board). The sizes follow
// rostrum/whiteboard/render.py, which draws the exported PNG/PDF and the recording.
//
// The keyboard draws too: with the canvas focused, a crosshair (the keyboard cursor) moves with the
// arrow keys and Enter or Space does at the cursor what a press does at the pointer, building the
// same items (a shape's two points, a pen's points one per move) and sending the same frame.

import { format, setText, show } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);
// whiteboard.constants.SHADES (the pen's palette: engagement.constants.STROKE_COLOURS).
const COLOURS = { red: "#d32f2f", blue: "#1565c0", green: "#2e7d32", orange: "#ef6c00", black: "#212121" };
const MAX_POINTS = 2000; // engagement.constants.STROKE_MAX_POINTS
const TEXT_SIZE_PER_WIDTH = 6; // render.TEXT_SIZE_PER_WIDTH
const ARROW_HEAD_ANGLE = (25 * Math.PI) / 180;
const ERASER_REACH = 0.02; // how near (in board widths) a click must be to erase an item
const SHAPES = new Set(["line", "rect", "ellipse", "arrow"]);
const STEP = 1; // the keyboard cursor's step in hundredths of the board; with Shift, BIG_STEP
const BIG_STEP = 10;
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const CROSSHAIR = 8; // half the keyboard cursor's size, in pixels

const tool = { kind: "pen", colour: "red", width: 4 };
let drawing = null; // the item being drawn: {kind, points, byKeyboard}
let textAt = null; // where the text being typed goes
// The keyboard cursor, in hundredths of the board's width and height; drawn while the canvas has
// the keyboard's focus (`isShown`).
const cursor = { at: [50, 50], isShown: false };

function mayDraw(room) {
  const board = room.state?.whiteboard;
  if (!board || room.state.session.state === "ended") return false;
  if (isOrganiser(room.state.me.role)) return true;
  return room.roomType === "meeting" && board.everyone_may_draw && room.state.me.is_admitted;
}

function relative(event) {
  const box = $("live-wb-canvas").getBoundingClientRect();
  const clamp = (value) => Math.min(1, Math.max(0, value));
  return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
}

function round(value) {
  return Math.round(value * 10000) / 10000;
}

// Sends the item; the ack's data, or undefined when the server refused it (the error is shown).
async function add(room, item) {
  const points = item.points.map(([x, y]) => [round(x), round(y)]);
  const reply = await room.send("whiteboard.add", { ...item, points, colour: tool.colour, width: tool.width }, { status: $("live-wb-message") });
  drawBoard(room);
  return reply;
}

// -- geometry for the eraser ---------------------------------------------------------------------

function segmentDistance([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function outline(item, aspect) {
  const [[x0, y0], [x1, y1] = [x0, y0]] = item.points;
  if (item.kind === "rect") return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
  if (item.kind === "ellipse") {
    const [cx, cy, rx, ry] = [(x0 + x1) / 2, (y0 + y1) / 2, Math.abs(x1 - x0) / 2, Math.abs(y1 - y0) / 2];
    return Array.from({ length: 33 }, (_, n) => [cx + rx * Math.cos((n * Math.PI) / 16), cy + ry * Math.sin((n * Math.PI) / 16)]);
  }
  if (item.kind === "text") {
    const size = (item.width * TEXT_SIZE_PER_WIDTH) / 1000;
    const [w, h] = [size * 0.6 * item.text.length, size * aspect];
    return [[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]];
  }
  return item.points;
}

// The item nearest to `point` within reach (the last drawn wins a tie), or null. Distances are in
// board widths: y is scaled by the board's height/width.
export function itemAt(items, point, aspect = 9 / 16) {
  const scaled = ([x, y]) => [x, y * aspect];
  const target = scaled(point);
  let best = null;
  let bestDistance = ERASER_REACH;
  for (const item of items) {
    const line = outline(item, 1 / aspect).map(scaled);
    let distance = line.length === 1 ? Math.hypot(target[0] - line[0][0], target[1] - line[0][1]) : Infinity;
    for (let n = 1; n < line.length; n += 1) distance = Math.min(distance, segmentDistance(target, line[n - 1], line[n]));
    if (item.kind === "text") {
      const [[x0, y0], , [x1, y1]] = line;
      if (target[0] >= x0 && target[0] <= x1 && target[1] >= y0 && target[1] <= y1) distance = 0;
    }
    if (distance <= bestDistance) {
      best = item;
      bestDistance = distance;
    }
  }
  return best;
}

// -- drawing -------------------------------------------------------------------------------------

function drawItem(context, item, width, height) {
  context.strokeStyle = context.fillStyle = COLOURS[item.colour] || COLOURS.black;
  context.lineWidth = Math.max(1, Math.round((item.width * width) / 1000));
  const points = item.points.map(([x, y]) => [x * width, y * height]);
  if (!points.length) return;
  const [[x0, y0], [x1, y1] = [x0, y0]] = points;
  context.beginPath();
  if (item.kind === "text") {
    context.font = `${Math.max(8, Math.round((item.width * TEXT_SIZE_PER_WIDTH * width) / 1000))}px "DejaVu Sans", sans-serif`;
    context.textBaseline = "top";
    context.fillText(item.text, x0, y0);
    return;
  }
  if (item.kind === "rect") context.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
  else if (item.kind === "ellipse") {
    context.ellipse((x0 + x1) / 2, (y0 + y1) / 2, Math.abs(x1 - x0) / 2, Math.abs(y1 - y0) / 2, 0, 0, 2 * Math.PI);
  } else {
    context.moveTo(x0, y0);
    if (points.length === 1) context.lineTo(x0 + 0.1, y0);
    for (const [x, y] of points.slice(1)) context.lineTo(x, y);
    if (item.kind === "arrow") {
      const angle = Math.atan2(y1 - y0, x1 - x0);
      const size = Math.max(10, context.lineWidth * 4);
      for (const side of [-1, 1]) {
        context.moveTo(x1, y1);
        context.lineTo(x1 - size * Math.cos(angle + side * ARROW_HEAD_ANGLE), y1 - size * Math.sin(angle + side * ARROW_HEAD_ANGLE));
      }
    }
  }
  context.stroke();
}

function drawBoard(room) {
  const board = room.state?.whiteboard;
  const canvas = $("live-wb-canvas");
  if (!board) return;
  const width = Math.round(canvas.clientWidth);
  const height = Math.round((width * 9) / 16);
  if (!width) return;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  context.lineCap = "round";
  context.lineJoin = "round";
  const items = drawing ? [...board.items, { ...drawing, colour: tool.colour, width: tool.width }] : board.items;
  for (const item of items) drawItem(context, item, width, height);
  const hasCursor = cursor.isShown && document.activeElement === canvas && mayDraw(room);
  canvas.classList.toggle("has-keyboard-cursor", hasCursor); // the focus ring, however it was focused
  if (hasCursor) drawCursor(context, width, height);
}

// A crosshair at the keyboard cursor: dark on a light halo, seen on white and on every colour.
function drawCursor(context, width, height) {
  const [x, y] = cursorPoint().map((value, axis) => Math.round(value * [width, height][axis]) + 0.5);
  for (const [colour, lineWidth] of [["#ffffff", 4], ["#212121", 2]]) {
    context.strokeStyle = colour;
    context.lineWidth = lineWidth;
    context.beginPath();
    context.moveTo(x - CROSSHAIR, y);
    context.lineTo(x + CROSSHAIR, y);
    context.moveTo(x, y - CROSSHAIR);
    context.lineTo(x, y + CROSSHAIR);
    context.stroke();
  }
}

// -- set-up --------------------------------------------------------------------------------------

function startText(room, point) {
  textAt = point;
  show($("live-wb-text-form"), true);
  $("live-wb-text").value = "";
  // After the press has finished focusing the canvas it landed on.
  setTimeout(() => $("live-wb-text").focus(), 0);
}

function endText() {
  textAt = null;
  show($("live-wb-text-form"), false);
  $("live-wb-canvas").focus();
}

// The frame a key press asks for: "whiteboard.undo", "whiteboard.redo" or null.
function shortcut(key) {
  if (!(key.ctrlKey || key.metaKey) || key.altKey) return null;
  const letter = key.key.toLowerCase();
  if (letter === "z") return key.shiftKey ? "whiteboard.redo" : "whiteboard.undo";
  if (letter === "y" && !key.shiftKey) return "whiteboard.redo";
  return null;
}

function setUpCanvas(room) {
  const canvas = $("live-wb-canvas");
  canvas.addEventListener("pointerdown", (down) => {
    cursor.isShown = false; // the pointer took over from the keyboard
    if (!mayDraw(room) || down.button !== 0) return;
    const point = relative(down);
    if (tool.kind === "text") return startText(room, point);
    if (tool.kind === "eraser") {
      const hit = itemAt(room.state.whiteboard.items, point, canvas.height / canvas.width || 9 / 16);
      if (hit) room.send("whiteboard.erase", { item_id: hit.id }, { status: $("live-wb-message") });
      return;
    }
    canvas.setPointerCapture(down.pointerId);
    drawing = { kind: tool.kind, points: SHAPES.has(tool.kind) ? [point, point] : [point], byKeyboard: false };
    drawBoard(room);
  });
  canvas.addEventListener("pointermove", (move) => {
    if (!drawing || drawing.byKeyboard) return;
    if (SHAPES.has(drawing.kind)) drawing.points[1] = relative(move);
    else if (drawing.points.length < MAX_POINTS) drawing.points.push(relative(move));
    drawBoard(room);
  });
  const finish = () => {
    if (!drawing || drawing.byKeyboard) return;
    const item = drawing;
    drawing = null;
    const [[x0, y0], [x1, y1] = [x0, y0]] = item.points;
    if (SHAPES.has(item.kind) && x0 === x1 && y0 === y1) {
      drawBoard(room); // a click without a drag makes no shape
      return;
    }
    add(room, { kind: item.kind, points: item.points });
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  // While the board has the focus: Ctrl+Z (⌘Z) undoes one's own last item, Ctrl+Shift+Z and Ctrl+Y
  // (⌘⇧Z, ⌘Y) redo the last undone one.
  $("live-whiteboard").addEventListener("keydown", (key) => {
    const frame = shortcut(key);
    if (!frame || key.target.closest?.("input, textarea, select")) return;
    key.preventDefault();
    if (mayDraw(room)) room.send(frame, {}, { status: $("live-wb-message") });
  });
  setUpKeyboardCursor(room, canvas);
  window.addEventListener("resize", () => drawBoard(room));
}

// -- the keyboard cursor -------------------------------------------------------------------------

function cursorPoint() {
  return cursor.at.map((value) => value / 100);
}

// "Cursor at 40 % from the left, 25 % from the top." after `message`, in the board's status line.
function announce(room, message) {
  const [x, y] = cursor.at;
  setText($("live-wb-message"), `${message} ${format(room.strings.wb_cursor_at, { x, y })}`);
}

function moveCursor(room, [dx, dy], step) {
  const clamp = (value) => Math.min(100, Math.max(0, value));
  const [x, y] = [clamp(cursor.at[0] + dx * step), clamp(cursor.at[1] + dy * step)];
  if (x === cursor.at[0] && y === cursor.at[1]) return drawBoard(room); // at the edge already
  cursor.at = [x, y];
  if (drawing?.byKeyboard) {
    if (SHAPES.has(drawing.kind)) drawing.points[1] = cursorPoint();
    else if (drawing.points.length < MAX_POINTS) drawing.points.push(cursorPoint());
  }
  drawBoard(room);
}

// Enter or Space: what a press of the pointer does at the cursor; while drawing, it finishes.
async function pressAtCursor(room) {
  const point = cursorPoint();
  if (drawing && !drawing.byKeyboard) return; // the pointer is drawing
  if (drawing) return finishByKeyboard(room);
  if (tool.kind === "text") return startText(room, point);
  if (tool.kind === "eraser") {
    const canvas = $("live-wb-canvas");
    const hit = itemAt(room.state.whiteboard.items, point, canvas.height / canvas.width || 9 / 16);
    if (!hit) return announce(room, room.strings.wb_key_nothing_to_erase);
    const reply = await room.send("whiteboard.erase", { item_id: hit.id }, { status: $("live-wb-message") });
    if (reply) announce(room, room.strings.wb_key_erased);
    return;
  }
  drawing = { kind: tool.kind, points: SHAPES.has(tool.kind) ? [point, point] : [point], byKeyboard: true };
  announce(room, room.strings.wb_key_started);
  drawBoard(room);
}

async function finishByKeyboard(room) {
  const [[x0, y0], [x1, y1] = [x0, y0]] = drawing.points;
  if (SHAPES.has(drawing.kind) && x0 === x1 && y0 === y1) return announce(room, room.strings.wb_key_same_point);
  const item = drawing;
  drawing = null;
  if (await add(room, { kind: item.kind, points: item.points })) announce(room, room.strings.wb_key_drawn);
}

function cancelByKeyboard(room) {
  drawing = null;
  announce(room, room.strings.wb_key_cancelled);
  drawBoard(room);
}

function onCanvasKey(room, key) {
  if (!mayDraw(room) || key.ctrlKey || key.metaKey || key.altKey) return;
  const arrow = ARROWS[key.key];
  const press = (key.key === "Enter" || key.key === " ") && !key.repeat;
  const cancel = key.key === "Escape" && drawing?.byKeyboard;
  if (!arrow && !press && !cancel) return;
  key.preventDefault(); // no scrolling or clicking meanwhile
  cursor.isShown = true;
  if (arrow) moveCursor(room, arrow, key.shiftKey ? BIG_STEP : STEP);
  else if (press) pressAtCursor(room);
  else cancelByKeyboard(room);
}

function setUpKeyboardCursor(room, canvas) {
  canvas.addEventListener("keydown", (key) => onCanvasKey(room, key));
  canvas.addEventListener("focus", () => {
    cursor.isShown = canvas.matches(":focus-visible");
    drawBoard(room);
  });
  canvas.addEventListener("blur", () => {
    cursor.isShown = false;
    drawBoard(room);
  });
}

export function setUpWhiteboard(room) {
  const status = $("live-wb-message");
  $("live-wb-show").addEventListener("click", (click) => room.send("whiteboard.show", {}, { control: click.currentTarget, status }));
  $("live-wb-hide").addEventListener("click", (click) => room.send("whiteboard.hide", {}, { control: click.currentTarget, status }));
  $("live-wb-everyone").addEventListener("change", (change) =>
    room.send("whiteboard.allow_everyone", { allowed: change.currentTarget.checked }, { control: change.currentTarget, status }),
  );
  $("live-wb-undo").addEventListener("click", (click) => room.send("whiteboard.undo", {}, { control: click.currentTarget, status }));
  $("live-wb-redo").addEventListener("click", (click) => room.send("whiteboard.redo", {}, { control: click.currentTarget, status }));
  $("live-wb-clear").addEventListener("click", (click) => {
    if (window.confirm(room.strings.wb_clear_confirm)) room.send("whiteboard.clear", {}, { control: click.currentTarget, status });
  });
  for (const button of document.querySelectorAll("#live-wb-tools [data-tool]")) {
    button.addEventListener("click", () => {
      tool.kind = button.dataset.tool;
      renderTools();
    });
  }
  for (const button of document.querySelectorAll("#live-wb-colours [data-colour]")) {
    button.addEventListener("click", () => {
      tool.colour = button.dataset.colour;
      renderTools();
    });
  }
  $("live-wb-width").addEventListener("change", (change) => {
    tool.width = Number(change.currentTarget.value) || 4;
  });
  $("live-wb-text-form").addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const text = $("live-wb-text").value.trim();
    if (!text || !textAt) return;
    const point = textAt;
    endText();
    await add(room, { kind: "text", points: [point], text });
  });
  $("live-wb-text-cancel").addEventListener("click", endText);
  $("live-wb-text").addEventListener("keydown", (key) => {
    if (key.key === "Escape") endText();
  });
  setUpCanvas(room);
}

function renderTools() {
  for (const button of document.querySelectorAll("#live-wb-tools [data-tool]")) {
    button.setAttribute("aria-pressed", String(button.dataset.tool === tool.kind));
  }
  for (const button of document.querySelectorAll("#live-wb-colours [data-colour]")) {
    button.setAttribute("aria-pressed", String(button.dataset.colour === tool.colour));
  }
  $("live-wb-canvas").dataset.tool = tool.kind;
}

export function renderWhiteboard(room) {
  const { state, strings } = room;
  const board = state.whiteboard;
  const organiser = isOrganiser(state.me.role);
  const ended = state.session.state === "ended";
  show($("live-whiteboard"), organiser || Boolean(board));
  show($("live-wb-show"), organiser && !ended && !board);
  show($("live-wb-board"), Boolean(board));
  if (!board) {
    drawing = null;
    cursor.at = [50, 50];
    if (textAt) endText();
    return;
  }
  const drawer = mayDraw(room);
  show($("live-wb-hide"), organiser && !ended);
  show($("live-wb-toolbar"), drawer);
  show($("live-wb-clear"), organiser);
  $("live-wb-redo").disabled = !state.my_whiteboard.redo_count; // nothing of one's own undone to bring back
  show($("live-wb-everyone-field"), organiser && room.roomType === "meeting");
  $("live-wb-everyone").checked = Boolean(board.everyone_may_draw);
  $("live-wb-canvas").classList.toggle("is-active", drawer);
  if (!drawer && textAt) endText();
  if (!drawer && drawing?.byKeyboard) drawing = null;
  const download = $("live-wb-download");
  if (download.getAttribute("href") !== board.image_url) download.setAttribute("href", board.image_url);
  $("live-wb-canvas").setAttribute("aria-label", format(strings.wb_items, { count: board.items.length }));
  setText($("live-wb-note"), drawer ? strings.wb_you_draw : strings.wb_view_only);
  renderTools();
  drawBoard(room);
}
