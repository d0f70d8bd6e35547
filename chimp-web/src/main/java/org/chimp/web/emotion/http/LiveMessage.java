package org.chimp.web.emotion.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the live WebSocket sends back, one message per frame received (so a page that waits for an answer before
 * sending the next frame never stalls): {@code faces} (the answer {@code POST /model/{name}/faces} gives: metadata
 * and faces), {@code dropped} (too fast, or a frame still in flight: send the next one later) or {@code error}
 * (with the HTTP status the same mistake would get and what to fix).
 *
 * @param frame the number of the frame on this connection, from 1
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record LiveMessage(String type, long frame, JsonNode metadata, JsonNode faces, Long millis, String reason, Integer status,
                   String message) {
    static LiveMessage faces(long frame, JsonNode answer, long millis) {
        return new LiveMessage("faces", frame, answer.get("metadata"), answer.get("faces"), millis, null, null, null);
    }

    static LiveMessage dropped(long frame, String reason) {
        return new LiveMessage("dropped", frame, null, null, null, reason, null, null);
    }

    static LiveMessage error(long frame, int status, String message) {
        return new LiveMessage("error", frame, null, null, null, null, status, message);
    }
}
