// Raised hands: my own hand (raise or lower), and the organisers' queue, oldest first.

import { el, format, reconcile, setText, show, timeOf } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);

export function setUpHands(room) {
  const button = $("live-hand");
  button.addEventListener("click", () => {
    const raised = room.state?.my_hand?.raised;
    room.send(raised ? "hand.lower" : "hand.raise", {}, { control: button, status: $("live-toolbar-message") });
  });
  $("live-hands-clear").addEventListener("click", (click) =>
    room.send("hand.clear_all", {}, { control: click.currentTarget, status: $("live-hands-message") }),
  );
}

export function lowerHandFor(room, person, control, status) {
  return room.send("hand.lower_for", { participant_id: person.id }, { control, status });
}

export function renderHands(room) {
  const { state, strings } = room;
  const raised = Boolean(state.my_hand?.raised);
  const button = $("live-hand");
  setText(button, raised ? strings.lower_hand : strings.raise_hand);
  button.setAttribute("aria-pressed", String(raised));
  button.classList.toggle("secondary", raised);
  button.disabled = state.session.state === "ended";

  if (!isOrganiser(state.me.role)) return;
  reconcile($("live-hands-list"), state.hands, {
    create: (hand) =>
      el(
        "li",
        { className: "live-person" },
        el("span", { className: "live-person-name" }, hand.name),
        el("span", { className: "live-muted live-hand-since" }),
        el(
          "button",
          {
            type: "button",
            className: "secondary live-small",
            "aria-label": format(strings.hand_lower_label, { name: hand.name }),
            onclick: (click) => lowerHandFor(room, hand, click.currentTarget, $("live-hands-message")),
          },
          strings.hand_lower,
        ),
      ),
    update: (node, hand) =>
      setText(node.querySelector(".live-hand-since"), format(strings.hand_since, { time: timeOf(hand.raised_at, room.lang) })),
  });
  show($("live-hands-empty"), state.hands.length === 0);
  $("live-hands-clear").disabled = state.hands.length === 0;
}
