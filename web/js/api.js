// The one place that talks to the Fusen HTTP API (README "HTTP API").
// Every failure becomes an ApiError whose `detail` is the server's Japanese problem-JSON
// detail, so views can show it as is and never need to know about HTTP.

const NETWORK_DETAIL =
  "サーバーに接続できませんでした。ネットワークを確認して、もう一度お試しください。";
const UNKNOWN_DETAIL = "処理できませんでした。しばらくしてからもう一度お試しください。";

export class ApiError extends Error {
  /** @param {number} status 0 when the server was not reached. */
  constructor(status, detail, problem = null) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.code = problem?.code ?? null;
    this.problem = problem;
  }
}

function problemFrom(status, text) {
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall back to a generic message.
  }
  const detail = typeof body?.detail === "string" ? body.detail : UNKNOWN_DETAIL;
  return new ApiError(status, detail, body);
}

async function request(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, NETWORK_DETAIL);
  }
  const text = await response.text();
  if (!response.ok) throw problemFrom(response.status, text);
  return text ? JSON.parse(text) : null;
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body);
export const patch = (path, body) => request("PATCH", path, body);
export const del = (path) => request("DELETE", path);

/**
 * Upload one photo as multipart field `file`.
 * XMLHttpRequest rather than fetch because only XHR reports upload progress.
 * @param {(fraction: number) => void} onProgress called with 0..1 while bytes are sent.
 * @returns {Promise<{id: number, status: string}>} the 202 body.
 */
export function uploadPhoto(meetingId, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/meetings/${meetingId}/photos`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText));
      } else {
        reject(problemFrom(xhr.status, xhr.responseText));
      }
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, NETWORK_DETAIL)));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
