// Bounded bodies over real HTTP (issue 13, point 5): a chunked body, which declares no length,
// is cut off by the Management API proxy at 1 MB with a 413 while the client is still sending.
import { request as httpRequest } from "node:http";
import { expect, test } from "./fixtures";
import { E2E_BASE_URL } from "./stack";

/** Sends up to `limitBytes` of chunked body, stopping when the answer comes; returns both. */
function sendChunked(path: string, token: string, limitBytes: number) {
  return new Promise<{ status: number; body: string; sentBytes: number }>((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sentBytes = 0;
    let answered = false;
    const request = httpRequest(new URL(path, E2E_BASE_URL), {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      },
    });
    request.on("response", (response) => {
      answered = true;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (data: string) => (body += data));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, sentBytes });
      });
    });
    // The server may close its side once it has answered; only a failure with no answer counts.
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sentBytes < limitBytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

test("the proxy answers a never-ending chunked body with 413 after about 1 MB", async ({ staffApi }) => {
  const { token } = await staffApi("admin", { label: "bounded bodies", write: true });
  const sent = await sendChunked("/api/mgmt/v2/users/auth0%7Cbounded", token, 64 * 1024 * 1024);
  expect(sent.status).toBe(413);
  expect(JSON.parse(sent.body)).toMatchObject({ statusCode: 413, errorCode: "payload_too_large" });
  // Far less than the 64 MB the client was ready to send: the server stopped reading.
  expect(sent.sentBytes).toBeLessThan(16 * 1024 * 1024);
});
