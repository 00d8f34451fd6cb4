// Drives Rostrum's API with the public ClickMeeting Node client (npm clickmeeting-node-api@1.0.7),
// unchanged: only the base URL and the key differ from a ClickMeeting set-up.
// Usage: ROSTRUM_API_BASE=http://127.0.0.1:8000/api/v1/ ROSTRUM_API_KEY=... node exercise.js
//    or: node exercise.js <base URL> <key>
// Prints one JSON object: each call's HTTP status and decoded body.
"use strict";

const clickmeeting = require("clickmeeting-node-api");

const base = process.env.ROSTRUM_API_BASE || process.argv[2];
const key = process.env.ROSTRUM_API_KEY || process.argv[3];
if (!base || !key) {
  console.error("Give the API's base URL and a key (ROSTRUM_API_BASE, ROSTRUM_API_KEY).");
  process.exit(2);
}
clickmeeting.setup({ base, key });

async function call(promise) {
  const { res, body } = await promise;
  let decoded = body;
  try {
    decoded = JSON.parse(body);
  } catch (error) {
    // not JSON: keep the text, the test will say so
  }
  return { status: res.statusCode, contentType: res.headers["content-type"], body: decoded };
}

async function main() {
  const results = {};
  results.addConference = await call(
    clickmeeting.addConference({ name: "Node webinar", room_type: "webinar", permanent_room: 1, access_type: 1 })
  );
  const roomId = results.addConference.body.room.id;
  results.conferenceAutologinHash = await call(
    clickmeeting.conferenceAutologinHash(roomId, {
      email: "grace@example.com",
      nickname: "Grace Hopper",
      role: "presenter",
    })
  );
  // Registration is off in a new room, as in ClickMeeting: switch it on, then register someone.
  results.editConference = await call(clickmeeting.editConference(roomId, { "registration[enabled]": 1 }));
  results.addConferenceRegistration = await call(
    clickmeeting.addConferenceRegistration(roomId, {
      "registration[1]": "Ada",
      "registration[2]": "Lovelace",
      "registration[3]": "ada@example.com",
    })
  );
  results.conferenceSessions = await call(clickmeeting.conferenceSessions(roomId));
  results.conference = await call(clickmeeting.conference(roomId));
  results.conferences = await call(clickmeeting.conferences("active"));
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
