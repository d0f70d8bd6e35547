package org.chimp.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorData;
import org.chimp.http.Json;
import org.chimp.http.Requests;

/**
 * The Open Inference Protocol's binary tensor data extension (KServe / Triton {@code binary_tensor_data}): a body
 * of a JSON header of {@value #HEADER} bytes followed by the raw tensors, little-endian and row-major, each input's
 * size in its {@code parameters.binary_data_size}; BYTES elements each preceded by a 4-byte length. Answers in the
 * same form when the request asks for it ({@code parameters.binary_data_output}, or {@code binary_data} on a
 * requested output). The raw values are turned into the JSON form the task's data types read, so both forms are
 * checked by the same rules.
 */
final class BinaryTensors {
    static final String HEADER = "Inference-Header-Content-Length";
    static final String EXTENSION = "binary_tensor_data";
    private static final String SIZE = "binary_data_size";

    private BinaryTensors() {
    }

    /**
     * The request: its JSON read in one streaming pass, each input's values from its {@code data} or, with the
     * header, from the bytes after the JSON.
     */
    static OipRequest body(Context ctx) {
        String header = ctx.header(HEADER);
        byte[] body = ctx.bodyAsBytes();
        if (header == null) {
            return Requests.jsonBody(body, b -> OipRequest.read(b, 0, b.length));
        }
        int jsonLength;
        try {
            jsonLength = Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            jsonLength = -1;
        }
        if (jsonLength < 1 || jsonLength > body.length) {
            throw ClientErrorException.invalid(HEADER + " must be the JSON header's size in bytes, 1 to the body's "
                    + body.length + ", got " + Quote.json(com.fasterxml.jackson.databind.node.TextNode.valueOf(header)));
        }
        OipRequest request;
        try {
            request = OipRequest.read(body, 0, jsonLength);
        } catch (JsonProcessingException e) {
            throw ClientErrorException.invalid("The JSON header (the first " + jsonLength + " bytes) is not valid JSON", e);
        }
        List<TensorData> data = new ArrayList<>(request.data());
        int at = jsonLength;
        int i = 0;
        for (JsonNode input : request.json().path("inputs")) {
            int index = i++;
            JsonNode size = input.path("parameters").path(SIZE);
            if (size.isMissingNode() || !input.isObject()) {
                continue;
            }
            if (!size.canConvertToInt() || !size.isIntegralNumber() || size.asInt() < 0 || size.asInt() > body.length - at) {
                throw ClientErrorException.invalid("Input 'parameters." + SIZE + "' must be a whole number of bytes that "
                        + "follow the JSON header (" + (body.length - at) + " left), got " + Quote.json(size));
            }
            if (data.get(index).json() != null) {
                throw ClientErrorException.invalid("An input with '" + SIZE + "' has its values after the JSON header; leave out 'data'");
            }
            data.set(index, values(input.path("datatype").asText(), ByteBuffer.wrap(body, at, size.asInt()).slice()));
            at += size.asInt();
        }
        if (at != body.length) {
            throw ClientErrorException.invalid((body.length - at) + " bytes after the JSON header belong to no input's '" + SIZE + "'");
        }
        return new OipRequest(request.json(), data);
    }

    /**
     * Whether the response should carry the named output's values as binary data: that output's {@code binary_data}
     * when the request gives it, else the request's {@code binary_data_output}.
     */
    static boolean wanted(JsonNode body, String output) {
        for (JsonNode o : body.path("outputs")) {
            JsonNode binary = o.path("parameters").path("binary_data");
            if (o.path("name").asText().equals(output) && binary.isBoolean()) {
                return binary.asBoolean();
            }
        }
        return body.path("parameters").path("binary_data_output").asBoolean(false);
    }

    /** Sends the answer with the output's values after the JSON header. */
    static void send(Context ctx, ObjectNode answer, ObjectNode output, Tensor result) throws IOException {
        byte[] raw = raw(result);
        output.remove("data");
        output.putObject("parameters").put(SIZE, raw.length);
        byte[] header = Json.MAPPER.writeValueAsBytes(answer);
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + raw.length);
        out.write(header);
        out.write(raw);
        ctx.header(HEADER, Integer.toString(header.length)).contentType("application/octet-stream").result(out.toByteArray());
    }

    private static TensorData values(String datatype, ByteBuffer raw) {
        raw.order(ByteOrder.LITTLE_ENDIAN);
        int width = switch (datatype) {
            case "FP32", "INT32" -> 4;
            case "INT16" -> 2;
            case "UINT8", "INT8" -> 1;
            case "BYTES" -> 0;
            default -> throw ClientErrorException.invalid("Binary data is read for datatypes FP32, INT32, INT16, INT8, UINT8 and BYTES, got "
                    + Quote.json(com.fasterxml.jackson.databind.node.TextNode.valueOf(datatype)));
        };
        if (width > 1 && raw.remaining() % width != 0) {
            throw ClientErrorException.invalid("Binary " + datatype + " data must be a multiple of " + width + " bytes, got " + raw.remaining());
        }
        if (datatype.equals("FP32")) {
            float[] floats = new float[raw.remaining() / 4];
            raw.asFloatBuffer().get(floats);
            return TensorData.Numbers.ofFloats(floats);
        }
        if (width == 0) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            while (raw.hasRemaining()) {
                out.add(Base64.getEncoder().encodeToString(element(raw)));
            }
            return new TensorData.Nodes(out);
        }
        int[] ints = new int[raw.remaining() / width];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = switch (datatype) {
                case "INT32" -> raw.getInt();
                case "INT16" -> raw.getShort();
                case "INT8" -> raw.get();
                default -> raw.get() & 0xff;
            };
        }
        return TensorData.Numbers.ofInts(ints);
    }

    /** One BYTES element: a 4-byte little-endian length, then that many bytes. */
    private static byte[] element(ByteBuffer raw) {
        if (raw.remaining() < 4) {
            throw ClientErrorException.invalid("A BYTES element needs a 4-byte length; " + raw.remaining() + " bytes are left");
        }
        int n = raw.getInt();
        if (n < 0 || n > raw.remaining()) {
            throw ClientErrorException.invalid("A BYTES element says " + n + " bytes but " + raw.remaining() + " are left");
        }
        byte[] b = new byte[n];
        raw.get(b);
        return b;
    }

    private static byte[] raw(Tensor t) {
        java.util.List<JsonNode> data = t.values();
        int width = t.datatype().equals("FP32") || t.datatype().equals("INT32") ? 4 : 0;
        if (width == 0) {
            throw new IllegalStateException("binary output of datatype " + t.datatype() + " is not written");
        }
        ByteBuffer out = ByteBuffer.allocate(data.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : data) {
            if (t.datatype().equals("FP32")) {
                out.putFloat(v.floatValue());
            } else {
                out.putInt(v.intValue());
            }
        }
        return out.array();
    }
}
