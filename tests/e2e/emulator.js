// Starts the Bot API emulator (npm package telegram-test-api) on 127.0.0.1:<port> with the fixes
// python-telegram-bot 22 needs: telegram-test-api 4.2.1 answers getMe without is_bot, dates the
// bot's sent messages in milliseconds, sends callback queries without chat_instance, and answers
// getUpdates at once whatever the long-polling timeout (which would make the bot spin).
"use strict";
const TelegramServer = require("telegram-test-api");
const { routes } = require("telegram-test-api/lib/routes/index");
const { getMe } = require("telegram-test-api/lib/routes/bot/getMe");
const { getUpdates } = require("telegram-test-api/lib/routes/bot/getUpdates");

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
    const waitMs = Math.min(Number(params.timeout || 0) * 1000, MAX_LONG_POLL_MS);
    const pending = () => server.storage.userMessages.some((u) => u.botToken === token && !u.isRead);
    let answered = false;
    const answer = () => {
      if (answered) { return; }
      answered = true;
      clearTimeout(timer);
      USER_EVENTS.forEach((name) => server.off(name, answer));
      res.json({ ok: true, result: server.getUpdates(token) });
    };
    const timer = setTimeout(answer, waitMs > 0 && !pending() ? waitMs : 0);
    USER_EVENTS.forEach((name) => server.on(name, answer));
  });
}

routes[routes.indexOf(getMe)] = getMeWithIsBot;
routes[routes.indexOf(getUpdates)] = longPollingGetUpdates;

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

const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
server.setMaxListeners(0);
server.start().then(() => console.log(`telegram-test-api listening on 127.0.0.1:${port}`));
const stop = () => server.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
