package org.chimp.tracking.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;

/**
 * What an imported artifact may be: never a format that can run code when loaded (a pickle, which is also what a
 * PyTorch zip holds, Java serialization, any zip or gzip archive); a {@code tokenizer} must be a JSON object; an
 * external-weights file ({@code *_data}) is raw tensor bytes; everything else is an ONNX model, checked to be a
 * protobuf {@code ModelProto} from its first byte to its last (every top-level field one of ModelProto's, with its
 * wire type, and a graph), without loading it.
 */
final class ArtifactFormats {
    /** ModelProto's field numbers and their protobuf wire types (0 varint, 2 length-delimited). */
    private static final Map<Integer, Integer> MODEL_PROTO_FIELDS = Map.ofEntries(Map.entry(1, 0), Map.entry(2, 2),
            Map.entry(3, 2), Map.entry(4, 2), Map.entry(5, 0), Map.entry(6, 2), Map.entry(7, 2), Map.entry(8, 2),
            Map.entry(14, 2), Map.entry(20, 2), Map.entry(25, 2));
    private static final int GRAPH = 7;

    private ArtifactFormats() {
    }

    /** Checks one artifact file; a 400 naming the artifact and what it must be otherwise. */
    static void check(String artifact, Path file) throws IOException {
        String executable = executableFormat(file);
        if (executable != null) {
            throw ClientErrorException.invalid("Artifact '" + artifact + "' is " + executable + ", a format that can run code when "
                    + "loaded; CHIMP only takes ONNX models, tokenizer.json files and raw external weights");
        }
        if (artifact.equals("tokenizer") || artifact.endsWith("_tokenizer")) {
            jsonObject(artifact, file);
        } else if (!artifact.endsWith("_data")) {
            onnx(artifact, file);
        }
    }

    private static String executableFormat(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
            return "a zip archive (such as a PyTorch checkpoint, which holds a pickle)";
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return "a Python pickle";
        }
        if (n >= 2 && (head[0] & 0xff) == 0xAC && (head[1] & 0xff) == 0xED) {
            return "Java serialization";
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1F && (head[1] & 0xff) == 0x8B) {
            return "a gzip archive";
        }
        return null;
    }

    private static void jsonObject(String artifact, Path file) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notA(artifact, "tokenizer.json (a JSON object)");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw notA(artifact, "tokenizer.json (one JSON object)");
            }
        } catch (JsonProcessingException e) {
            throw notA(artifact, "tokenizer.json (valid JSON)");
        }
    }

    private static void onnx(String artifact, Path file) throws IOException {
        boolean graph = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            long tag;
            while ((tag = varint(in, true)) >= 0) {
                int field = (int) (tag >>> 3);
                Integer wireType = MODEL_PROTO_FIELDS.get(field);
                if (tag >>> 3 > Integer.MAX_VALUE || wireType == null || wireType != (tag & 7)) {
                    throw notA(artifact, "ONNX model (an ONNX ModelProto)");
                }
                if (wireType == 0) {
                    varint(in, false);
                } else {
                    in.skipNBytes(varint(in, false));
                }
                graph |= field == GRAPH;
            }
        } catch (EOFException e) {
            throw notA(artifact, "ONNX model (it ends in the middle of a field)");
        }
        if (!graph) {
            throw notA(artifact, "ONNX model (it has no graph)");
        }
    }

    /** A protobuf varint; -1 at the end of the stream when {@code endAllowed}. */
    private static long varint(InputStream in, boolean endAllowed) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                if (endAllowed && shift == 0) {
                    return -1;
                }
                throw new EOFException();
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new EOFException();
                }
                return value;
            }
        }
        throw new EOFException();
    }

    private static ClientErrorException notA(String artifact, String what) {
        return ClientErrorException.invalid("Artifact '" + artifact + "' is not a valid " + what);
    }
}
