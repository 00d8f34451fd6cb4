// Polls: organisers create (single, multiple or free-text answers), launch and close them;
// everyone else votes once. Results are plain HTML bars; the numbers beside them are the text.

import { el, format, reconcile, setText, show } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);

export function setUpPolls(room) {
  const form = $("live-poll-form");
  const kind = $("live-poll-kind");
  const syncKind = () => show($("live-poll-options-field"), kind.value !== "text");
  kind.addEventListener("change", syncKind);
  syncKind();
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const status = $("live-polls-message");
    const question = $("live-poll-question").value.trim();
    const options =
      kind.value === "text"
        ? []
        : $("live-poll-options")
            .value.split("\n")
            .map((line) => line.trim())
            .filter(Boolean);
    if (!question) {
      room.say(status, room.strings.poll_need_question);
      $("live-poll-question").focus();
      return;
    }
    if (kind.value !== "text" && (options.length < 2 || options.length > 10)) {
      room.say(status, room.strings.poll_need_options);
      $("live-poll-options").focus();
      return;
    }
    const control = form.querySelector("button[type=submit]");
    if (await room.send("poll.create", { question, kind: kind.value, options }, { control, status })) {
      form.reset();
      syncKind();
      room.say(status, room.strings.poll_created);
    }
  });
}

function percent(votes, ballots) {
  return ballots > 0 ? Math.round((100 * votes) / ballots) : 0;
}

function voteForm(room, poll) {
  const { strings } = room;
  const legendId = `live-poll-${poll.id}-legend`;
  let fields;
  if (poll.kind === "text") {
    const id = `live-poll-${poll.id}-text`;
    fields = el(
      "div",
      { className: "live-field" },
      el("label", { for: id }, strings.poll_your_answer),
      el("textarea", { id, rows: 2, maxlength: 1000, name: "text" }),
    );
  } else {
    const type = poll.kind === "multiple" ? "checkbox" : "radio";
    fields = el(
      "fieldset",
      { className: "live-poll-choices", "aria-labelledby": legendId },
      ...poll.options.map((option) => {
        const id = `live-poll-${poll.id}-option-${option.id}`;
        return el(
          "div",
          { className: "live-choice" },
          el("input", { type, id, name: `poll-${poll.id}`, value: String(option.id) }),
          el("label", { for: id }, option.text),
        );
      }),
    );
  }
  const form = el(
    "form",
    { className: "live-poll-vote", novalidate: true },
    fields,
    el("button", { type: "submit" }, strings.poll_vote),
  );
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const data = { poll_id: poll.id };
    if (poll.kind === "text") {
      data.text = form.elements.text.value.trim();
      if (!data.text) return room.say($("live-polls-message"), strings.poll_choose);
    } else {
      data.option_ids = [...form.querySelectorAll("input:checked")].map((input) => Number(input.value));
      if (data.option_ids.length === 0) return room.say($("live-polls-message"), strings.poll_choose);
    }
    const control = form.querySelector("button[type=submit]");
    return room.send("poll.vote", data, { control, status: $("live-polls-message") });
  });
  return form;
}

function createPoll(room, poll) {
  const { strings } = room;
  const legendId = `live-poll-${poll.id}-legend`;
  return el(
    "li",
    { className: "live-poll" },
    el(
      "p",
      { className: "live-poll-head" },
      el("span", { className: "live-poll-question", id: legendId }, poll.question),
      " ",
      el("span", { className: "live-badge live-poll-state" }),
    ),
    el(
      "div",
      { className: "live-buttons live-poll-admin" },
      el(
        "button",
        {
          type: "button",
          className: "live-poll-launch",
          onclick: (click) =>
            room.send("poll.launch", { poll_id: poll.id }, { control: click.currentTarget, status: $("live-polls-message") }),
        },
        strings.poll_launch,
      ),
      el(
        "button",
        {
          type: "button",
          className: "secondary live-poll-close",
          onclick: (click) =>
            room.send("poll.close", { poll_id: poll.id }, { control: click.currentTarget, status: $("live-polls-message") }),
        },
        strings.poll_close,
      ),
    ),
    voteForm(room, poll),
    el("p", { className: "live-poll-my-vote" }),
    el(
      "div",
      { className: "live-poll-results" },
      el("h3", { className: "live-poll-results-heading" }, strings.poll_results),
      el("ul", { className: "live-bars" }),
      el("ul", { className: "live-poll-texts" }),
      el("p", { className: "live-poll-ballots live-muted" }),
    ),
  );
}

function renderBars(room, list, poll) {
  reconcile(list, poll.options, {
    create: (option) =>
      el(
        "li",
        { className: "live-bar" },
        el("span", { className: "live-bar-label" }, option.text),
        el("span", { className: "live-bar-value" }),
        el("span", { className: "live-bar-track", "aria-hidden": "true" }, el("span", { className: "live-bar-fill" })),
      ),
    update: (node, option) => {
      const share = percent(option.votes, poll.ballots);
      setText(node.querySelector(".live-bar-label"), option.text);
      setText(node.querySelector(".live-bar-value"), format(room.strings.poll_result, { count: option.votes, percent: share }));
      node.querySelector(".live-bar-fill").style.width = `${share}%`;
      node.classList.toggle("live-bar-mine", Boolean(poll.my_vote?.option_ids?.includes(option.id)));
    },
  });
}

function updatePoll(room, node, poll) {
  const { strings, state } = room;
  const organiser = isOrganiser(state.me.role);
  const ended = state.session.state === "ended";
  const badge = node.querySelector(".live-poll-state");
  setText(badge, strings[`poll_state_${poll.state}`] || poll.state);
  badge.dataset.state = poll.state;
  node.dataset.state = poll.state;

  show(node.querySelector(".live-poll-admin"), organiser && !ended && poll.state !== "closed");
  show(node.querySelector(".live-poll-launch"), poll.state === "draft");
  show(node.querySelector(".live-poll-close"), poll.state === "open");

  const voted = Boolean(poll.my_vote);
  show(node.querySelector(".live-poll-vote"), !organiser && !ended && poll.state === "open" && !voted);

  const mine = node.querySelector(".live-poll-my-vote");
  let choice = "";
  if (voted) {
    choice =
      poll.kind === "text"
        ? poll.my_vote.text
        : poll.options
            .filter((option) => poll.my_vote.option_ids.includes(option.id))
            .map((option) => option.text)
            .join(", ");
  }
  setText(mine, voted ? format(strings.poll_your_vote, { choice }) : "");
  show(mine, voted);

  // Results: organisers always; others once they voted or the poll closed.
  const results = node.querySelector(".live-poll-results");
  const showResults = poll.state !== "draft" && (organiser || voted || poll.state === "closed");
  show(results, showResults);
  if (!showResults) return;
  setText(node.querySelector(".live-poll-results-heading"), poll.kind === "text" ? strings.poll_answers : strings.poll_results);
  const bars = node.querySelector(".live-bars");
  show(bars, poll.kind !== "text");
  if (poll.kind !== "text") renderBars(room, bars, poll);
  const texts = node.querySelector(".live-poll-texts");
  const answers = poll.texts || [];
  show(texts, poll.kind === "text" && answers.length > 0);
  if (poll.kind === "text") {
    reconcile(
      texts,
      answers.map((text, index) => ({ id: index, text })),
      { create: () => el("li"), update: (li, answer) => setText(li, answer.text) },
    );
  }
  setText(node.querySelector(".live-poll-ballots"), format(strings.poll_ballots, { count: poll.ballots ?? 0 }));
}

export function renderPolls(room) {
  const { state } = room;
  const organiser = isOrganiser(state.me.role);
  // Organisers see drafts; attendees only launched polls (the server sends only those anyway).
  const polls = organiser ? state.polls : state.polls.filter((poll) => poll.state !== "draft");
  reconcile($("live-poll-list"), polls, {
    create: (poll) => createPoll(room, poll),
    update: (node, poll) => updatePoll(room, node, poll),
  });
  show($("live-polls-empty"), polls.length === 0);
}
