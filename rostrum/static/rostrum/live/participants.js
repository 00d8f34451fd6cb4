// The people in the room: the organisers' lobby, and the participants list with the organisers'
// controls (presenter or attendee, chat off, remove, lower hand).
//
// Who is present comes from the server's `presence` frame (every ~2 s, when it changed):
// `participants` lists everyone for organisers and in a meeting, only the organisers for a
// webinar's attendees, with the full `count`. The directory also keeps what this page has learnt
// from the snapshot and events (names, roles, chat turned off, the lobby), so a change shows at
// once; before the first presence frame the list is the people this page has seen.

import { el, format, reconcile, setText, show } from "./dom.js";
import { lowerHandFor } from "./hands.js";
import { isOrganiser, unwrap } from "./reducer.js";

const $ = (id) => document.getElementById(id);
const ROLE_ORDER = { host: 0, presenter: 1, attendee: 2 };

export class Directory {
  constructor() {
    this.people = new Map(); // id -> {id, name, role, waiting, muted}
    this.removed = new Set();
    this.present = null; // ids in the latest presence frame, in its order; null before the first
  }

  learn(person, extra = {}) {
    if (!person || !Number.isInteger(person.id) || this.removed.has(person.id)) return;
    const known = this.people.get(person.id) || { id: person.id, name: "", role: "attendee", waiting: false, muted: false };
    if (person.name) known.name = person.name;
    if (person.role) known.role = person.role;
    Object.assign(known, extra);
    this.people.set(person.id, known);
  }

  fromSnapshot(state) {
    this.learn(state.me, { waiting: !state.me.is_admitted, muted: state.me.is_chat_muted });
    if (Array.isArray(state.lobby)) {
      const waiting = new Set(state.lobby.map((person) => person.id));
      for (const person of this.people.values()) if (person.waiting && !waiting.has(person.id)) person.waiting = false;
      for (const person of state.lobby) this.learn(person, { waiting: true });
    }
    for (const message of state.chat) this.learn(message.author, { waiting: false });
    for (const question of state.questions) this.learn(question.author, { waiting: false });
    for (const hand of state.hands) this.learn({ id: hand.id, name: hand.name }, { waiting: false });
  }

  fromEvent(frame) {
    const data = frame.data || {};
    switch (frame.type) {
      case "lobby.waiting":
        this.learn(data, { waiting: true });
        break;
      case "lobby.admitted":
        for (const id of data.participant_ids || []) this.people.get(id) && (this.people.get(id).waiting = false);
        break;
      case "session.started":
        if (data.admitted_waiting) for (const person of this.people.values()) person.waiting = false;
        break;
      case "participant.role_changed":
        this.learn(data, { waiting: false });
        break;
      case "participant.chat_muted":
        if (this.people.has(data.id)) this.people.get(data.id).muted = data.muted;
        break;
      case "participant.expelled":
        this.people.delete(data.id);
        this.removed.add(data.id);
        break;
      case "chat.posted":
        this.learn(unwrap(data, "message").author, { waiting: false });
        break;
      case "qa.asked":
      case "qa.answered":
        this.learn(unwrap(data, "question").author, { waiting: false });
        break;
      case "hand.raised":
        this.learn({ id: data.id, name: data.name }, { waiting: false });
        break;
      default:
    }
  }

  fromPresence(frame) {
    if (!Array.isArray(frame.participants)) return;
    for (const person of frame.participants) this.learn(person, { waiting: false });
    this.present = frame.participants.map((person) => person.id);
  }

  nameOf(id) {
    return this.people.get(id)?.name || "";
  }

  list() {
    if (this.present) return this.present.map((id) => this.people.get(id)).filter(Boolean);
    return [...this.people.values()].sort(
      (a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.name.localeCompare(b.name) || a.id - b.id,
    );
  }
}

export function setUpPeople(room) {
  $("live-admit-all").addEventListener("click", (click) =>
    room.send("lobby.admit", {}, { control: click.currentTarget, status: $("live-lobby-message") }),
  );
}

function actionButton(room, { name, action, className = "secondary", onClick }) {
  return el(
    "button",
    {
      type: "button",
      className: `${className} live-small`,
      "aria-label": format(room.strings.action_label, { action, name }),
      onclick: onClick,
    },
    action,
  );
}

function createPerson(room, person) {
  return el(
    "li",
    { className: "live-person" },
    el(
      "span",
      { className: "live-person-name" },
      el("span", { className: "live-person-label" }),
      el("span", { className: "live-badge live-person-role", hidden: true }),
      el("span", { className: "live-badge live-person-hand", hidden: true }, room.strings.badge_hand),
      el("span", { className: "live-badge live-person-muted", hidden: true }, room.strings.badge_chat_off),
      el("span", { className: "live-badge live-person-floor", hidden: true }, room.strings.badge_floor),
    ),
    el("span", { className: "live-buttons live-person-actions" }),
  );
}

function personActions(room, person) {
  const { state, strings } = room;
  const me = state.me;
  const status = $("live-people-message");
  if (person.id === me.id || !isOrganiser(me.role) || state.session.state === "ended") return [];
  const name = person.name;
  const buttons = [];
  const hasHand = state.hands.some((hand) => hand.id === person.id);
  if (hasHand) {
    buttons.push(
      actionButton(room, { name, action: strings.hand_lower, onClick: (c) => lowerHandFor(room, person, c.currentTarget, status) }),
    );
  }
  buttons.push(
    actionButton(room, {
      name,
      action: strings.private_message,
      onClick: () => {
        $("live-chat-to").value = String(person.id);
        $("live-chat-text").focus();
      },
    }),
  );
  if (person.role === "host") return buttons;
  if (me.role === "host") {
    const role = person.role === "presenter" ? "attendee" : "presenter";
    buttons.push(
      actionButton(room, {
        name,
        action: role === "presenter" ? strings.make_presenter : strings.make_attendee,
        onClick: (c) => room.send("participant.set_role", { participant_id: person.id, role }, { control: c.currentTarget, status }),
      }),
    );
  }
  if (person.role === "presenter") return buttons;
  if (room.roomType === "webinar" && state.session.state === "live") buttons.push(...floorButtons(room, person, status));
  buttons.push(
    actionButton(room, {
      name,
      action: person.muted ? strings.unmute_chat : strings.mute_chat,
      onClick: (c) =>
        room.send("participant.mute_chat", { participant_id: person.id, muted: !person.muted }, { control: c.currentTarget, status }),
    }),
    actionButton(room, {
      name,
      action: strings.expel,
      className: "danger",
      onClick: (c) => {
        if (window.confirm(format(strings.expel_confirm, { name }))) {
          room.send("participant.expel", { participant_id: person.id }, { control: c.currentTarget, status });
        }
      },
    }),
  );
  return buttons;
}

export function floorOf(room, person) {
  return (room.state.media.floors || []).find((given) => given.id === person.id)?.floor || "";
}

function floorButtons(room, person, status) {
  const { strings } = room;
  const current = floorOf(room, person);
  const give = (floor) => (click) =>
    room.send("floor.set", { participant_id: person.id, floor }, { control: click.currentTarget, status });
  const buttons = [];
  if (current !== "audio") buttons.push(actionButton(room, { name: person.name, action: strings.floor_audio, onClick: give("audio") }));
  if (current !== "audio_video") {
    buttons.push(actionButton(room, { name: person.name, action: strings.floor_audio_video, onClick: give("audio_video") }));
  }
  if (current) buttons.push(actionButton(room, { name: person.name, action: strings.floor_take, onClick: give("") }));
  return buttons;
}

function updatePerson(room, node, person) {
  const { state, strings } = room;
  const isMe = person.id === state.me.id;
  setText(node.querySelector(".live-person-label"), isMe ? format(strings.you_name, { name: person.name }) : person.name);
  const role = node.querySelector(".live-person-role");
  show(role, isOrganiser(person.role));
  setText(role, strings[`role_${person.role}`] || person.role);
  const hand = isMe ? state.my_hand.raised : state.hands.some((h) => h.id === person.id);
  show(node.querySelector(".live-person-hand"), hand);
  show(node.querySelector(".live-person-muted"), isMe ? state.me.is_chat_muted : person.muted);
  // Rebuilt each time: a handful of buttons, and their labels follow the person's state.
  const actions = node.querySelector(".live-person-actions");
  const floor = state.media.floors ? floorOf(room, person) : "";
  show(node.querySelector(".live-person-floor"), Boolean(floor));
  const signature = JSON.stringify([person.role, person.muted, hand, state.me.role, state.session.state, floor]);
  if (actions.dataset.signature !== signature) {
    // Keep the keyboard focus on the same button when its label changes (chat off -> on).
    const focused = [...actions.children].indexOf(document.activeElement);
    actions.replaceChildren(...personActions(room, person));
    actions.dataset.signature = signature;
    if (focused !== -1) (actions.children[focused] || actions.children[0])?.focus();
  }
}

export function renderPeople(room) {
  const { state, strings } = room;
  const organiser = isOrganiser(state.me.role);
  const everyone = organiser || room.roomType === "meeting";
  const people = room.people().filter((person) => !person.waiting && (everyone || isOrganiser(person.role)));
  reconcile($("live-people-list"), people, {
    create: (person) => createPerson(room, person),
    update: (node, person) => updatePerson(room, node, person),
  });
  const count = room.presence?.count;
  // A webinar's attendees see the organisers and a count; with neither known yet, no empty panel.
  show($("live-people"), everyone || people.length > 0 || Number.isInteger(count));
  show($("live-people-count"), Number.isInteger(count));
  if (Number.isInteger(count)) setText($("live-people-count"), format(strings.people_count, { count }));
  show($("live-people-note"), everyone && !Array.isArray(room.presence?.participants));

  if (!organiser) return;
  const lobby = state.lobby || [];
  reconcile($("live-lobby-list"), lobby, {
    create: (person) =>
      el(
        "li",
        { className: "live-person" },
        el("span", { className: "live-person-name" }, person.name),
        el(
          "button",
          {
            type: "button",
            className: "live-small",
            "aria-label": format(strings.admit_label, { name: person.name }),
            onclick: (click) =>
              room.send("lobby.admit", { participant_id: person.id }, { control: click.currentTarget, status: $("live-lobby-message") }),
          },
          strings.admit,
        ),
      ),
    update: () => {},
  });
  show($("live-lobby-empty"), lobby.length === 0);
  $("live-admit-all").disabled = lobby.length === 0;
}
