package org.chimp.models.embedding;

import org.chimp.models.onnx.LocalArtifacts;

/** all-MiniLM-L6-v2 as the langchain4j jar ships it (test class path): its ONNX file and tokenizer.json. */
final class MiniLm {
    static final String ONNX = "/all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private MiniLm() {
    }

    /** The flat model config JSON with the two artifacts stored in {@code artifacts}, plus extra parameters. */
    static String config(LocalArtifacts artifacts, String extra) {
        String weights = artifacts.putResource("minilm.onnx", ONNX);
        String tokenizer = artifacts.putResource("tokenizer.json", TOKENIZER);
        return "{\"task\": \"text-embedding\", \"architecture\": \"onnx-sentence-embedder\", \"artifacts\": {\"weights\": \""
                + weights + "\", \"tokenizer\": \"" + tokenizer + "\"}" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }
}
