// Starts the Bot API emulator (npm package telegram-test-api) on 127.0.0.1:<port> with the fixes
// python-telegram-bot 22 needs: telegram-test-api 4.2.1 answers getMe without is_bot, dates the
// bot's sent messages in milliseconds, sends callback queries without chat_instance, and answers
// getUpdates at once whatever the long-polling timeout (which would make the bot spin). Like Telegram,
// getUpdates here hands out an update until a later call's offset confirms it (so a bot that dies
// before storing what it fetched gets it again), a webhook call carries the secret token (see below), and a test
// can make the next calls of a method for one chat fail (POST /faults) to see the bot retry.
"use strict";
const TelegramServer = require("telegram-test-api");
const { routes } = require("telegram-test-api/lib/routes/index");
const { getMe } = require("telegram-test-api/lib/routes/bot/getMe");
const { getUpdates } = require("telegram-test-api/lib/routes/bot/getUpdates");
const { deleteMessage } = require("telegram-test-api/lib/routes/bot/deleteMessage");

const port = Number(process.argv[2] || 9000);
const MAX_LONG_POLL_MS = 1000;
const USER_EVENTS = ["AddedUserMessage", "AddedUserCommand", "AddedUserCallbackQuery"];

function getMeWithIsBot(app) {
  app.all("/bot:token/getMe", (req, res) => {
    res.json({ ok: true, result: { id: 666, is_bot: true, first_name: "Online Safety Test Bot", username: "OnlineSafetyTestBot" } });
  });
}

function longPollingGetUpdates(app, server) {
  app.all("/bot:token/getUpdates", (req, res) => {
    const token = req.params.token;
    const params = Object.assign({}, req.query, req.body || {});
    const offset = Number(params.offset || 0);
    const mine = (u) => u.botToken === token;
    server.storage.userMessages.forEach((u) => { if (mine(u) && offset && u.updateId < offset) { u.isRead = true; } });
    const unconfirmed = () => server.storage.userMessages.filter((u) => mine(u) && !u.isRead);
    const waitMs = Math.min(Number(params.timeout || 0) * 1000, MAX_LONG_POLL_MS);
    let answered = false;
    const answer = () => {
      if (answered) { return; }
      answered = true;
      clearTimeout(timer);
      USER_EVENTS.forEach((name) => server.off(name, answer));
      res.json({ ok: true, result: unconfirmed().map((u) => TelegramServer.formatUpdate(u)) });
    };
    const timer = setTimeout(answer, waitMs > 0 && unconfirmed().length === 0 ? waitMs : 0);
    USER_EVENTS.forEach((name) => server.on(name, answer));
  });
}

// POST /faults {"method": "sendMessage", "chatId": 1001, "statuses": [429, 500]}: the next calls of
// that method for that chat answer with those errors, in order (429 asks to retry after 1 second).
const faults = [];
function injectedFaults(app) {
  app.post("/faults", (req, res) => {
    (req.body.statuses || []).forEach((status) => faults.push({ method: req.body.method, chatId: String(req.body.chatId), status }));
    res.json({ ok: true });
  });
  app.all("/bot:token/:method", (req, res, next) => {
    const chatId = String(Object.assign({}, req.query, req.body || {}).chat_id);
    const index = faults.findIndex((f) => f.method === req.params.method && f.chatId === chatId);
    if (index < 0) { next(); return; }
    const [fault] = faults.splice(index, 1);
    if (fault.status === 429) {
      res.status(429).json({ ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    } else {
      res.status(fault.status).json({ ok: false, error_code: fault.status, description: "Internal Server Error" });
    }
  });
}

routes[routes.indexOf(getMe)] = getMeWithIsBot;
routes[routes.indexOf(getUpdates)] = longPollingGetUpdates;
routes.unshift(injectedFaults);

// Telegram answers a message it cannot delete with HTTP 400, not 200 with ok: false.
routes[routes.indexOf(deleteMessage)] = function deleteMessageWith400(app, server) {
  app.all("/bot:token/deleteMessage", (req, res) => {
    const params = Object.assign({}, req.query, req.body || {});
    if (server.deleteMessage(Number(params.chat_id), Number(params.message_id))) {
      res.json({ ok: true, result: true });
    } else {
      res.status(400).json({ ok: false, error_code: 400, description: "Bad Request: message to delete not found" });
    }
  });
};

// Webhook mode as Telegram does it with one connection: a bot's updates are posted one at a time, in
// order, each until the bot answers 2xx (a 503 while its database is away is tried again). The update
// id is taken at once, so messages sent quickly one after another never share an id, and the update
// is kept in the history (as read) so a test can see the ids of what the user sent.
const axios = require("axios");
const WEBHOOK_RETRY_MS = 1000;
const WEBHOOK_ATTEMPTS = 60;
const webhookQueues = new Map();
async function postUntilAccepted(webhook, update) {
  const headers = webhook.secret_token ? { "X-Telegram-Bot-Api-Secret-Token": webhook.secret_token } : {};
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    try {
      await axios({ url: webhook.url, method: "POST", data: TelegramServer.formatUpdate(update), headers });
      return;
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, WEBHOOK_RETRY_MS));
    }
  }
  console.log(`webhook ${webhook.url} refused update ${update.updateId} ${WEBHOOK_ATTEMPTS} times; dropped`);
}
TelegramServer.prototype.addUserUpdate = async function addUserUpdateWithSecret(update) {
  const webhook = this.webhooks[update.botToken];
  this.updateId++;
  if (webhook) {
    this.storage.userMessages.push(Object.assign(update, { isRead: true }));
    const previous = webhookQueues.get(update.botToken) || Promise.resolve();
    webhookQueues.set(update.botToken, previous.then(() => postUntilAccepted(webhook, update)));
  } else {
    this.storage.userMessages.push(update);
  }
};

const addBotMessage = TelegramServer.prototype.addBotMessage;
TelegramServer.prototype.addBotMessage = function addBotMessageInSeconds(rawMessage, botToken) {
  const message = addBotMessage.call(this, rawMessage, botToken);
  return Object.assign({}, message, { date: Math.floor(message.date / 1000) });
};

const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = function formatUpdateWithChatInstance(update) {
  const formatted = formatUpdate(update);
  if (formatted.callback_query) { formatted.callback_query.chat_instance = "test-chat-instance"; }
  return formatted;
};

// For the benchmark (tests/bench): POST /bench/wait {"token", "chatId", "timeoutMs"} waits until the
// bot has sent that chat something the benchmark has not seen, then returns it with the times, by this
// process's clock, that each message was sent and that the chat's latest user message arrived. Kept
// per chat, so 50 waiting chats cost nothing while the bot sends to others.
const { EventEmitter } = require("events");
const benchSent = new EventEmitter();
benchSent.setMaxListeners(0);
const benchQueues = new Map();
const lastUserMessageAt = new Map();
const addUserUpdateTimed = TelegramServer.prototype.addUserUpdate;
TelegramServer.prototype.addUserUpdate = async function addUserUpdateRecordingTime(update) {
  const chat = (update.message || (update.callbackQuery && update.callbackQuery.message) || {}).chat || {};
  lastUserMessageAt.set(`${update.botToken}/${chat.id}`, update.time);
  return addUserUpdateTimed.call(this, update);
};
const addBotMessageTimed = TelegramServer.prototype.addBotMessage;
TelegramServer.prototype.addBotMessage = function addBotMessageForBench(rawMessage, botToken) {
  const message = addBotMessageTimed.call(this, rawMessage, botToken);
  const key = `${botToken}/${message.chat.id}`;
  if (!benchQueues.has(key)) { benchQueues.set(key, []); }
  benchQueues.get(key).push(Object.assign({ sentAt: Date.now() }, message));
  benchSent.emit(key);
  return message;
};
routes.unshift(function benchWait(app) {
  app.post("/bench/wait", (req, res) => {
    const key = `${req.body.token}/${req.body.chatId}`;
    const answer = () => {
      clearTimeout(timer);
      benchSent.off(key, answer);
      const result = benchQueues.get(key) || [];
      benchQueues.delete(key);
      res.json({ ok: true, userMessageAt: lastUserMessageAt.get(key) || null, result });
    };
    const timer = setTimeout(answer, Number(req.body.timeoutMs || 10000));
    if ((benchQueues.get(key) || []).length) { answer(); } else { benchSent.on(key, answer); }
  });
});

const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
server.setMaxListeners(0);
server.start().then(() => console.log(`telegram-test-api listening on 127.0.0.1:${port}`));
const stop = () => server.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
