package org.chimp.emotion.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.chimp.emotion.cnn.EmotionNet;
import org.chimp.emotion.cnn.Layer;
import org.chimp.emotion.cnn.Torch;
import org.junit.jupiter.api.Test;

class CnnOnnxExportTest {
    private static final EmotionNet NET = new EmotionNet(1, 8, 6, 3, List.of(
            new Layer.Conv(4, 3), new Layer.BatchNormalization(EmotionNet.BN_EPSILON), new Layer.Relu(), new Layer.MaxPool(2),
            new Layer.Dropout(0.5f), new Layer.Flatten(), new Layer.Dense(5), new Layer.Relu(), new Layer.Dense(3)));

    @Test
    void everyLayerBecomesItsOnnxNodeAndOnnxRuntimeComputesWhatDjlDoes() throws Exception {
        try (NDManager manager = Torch.engine().newBaseManager()) {
            SequentialBlock block = NET.block();
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 6));
            // Non-trivial running statistics and affine terms, so a batch-norm exported in the wrong form shows.
            Random rnd = new Random(5);
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray();
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = p.getKey().endsWith("runningVar") ? 0.5f + rnd.nextFloat() : (float) rnd.nextGaussian() * 0.5f;
                }
                a.set(FloatBuffer.wrap(v));
            }
            OnnxMl.ModelProto model = CnnOnnxExport.model(NET, block, List.of("a", "b", "c"), Map.of("k", "v"));
            assertThat(model.getGraph().getNodeList()).extracting(OnnxMl.NodeProto::getOpType).containsExactly(
                    "Conv", "BatchNormalization", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Softmax");
            assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDimList())
                    .extracting(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()))
                    .containsExactly("N", "1", "8", "6");
            assertThat(model.getMetadataPropsList()).extracting(OnnxMl.StringStringEntryProto::getKey).contains("labels", "k");

            int n = 4;
            float[] x = new float[n * 48];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            float[] djl = block.forward(new ParameterStore(manager, false),
                    new NDList(manager.create(x, new Shape(n, 1, 8, 6))), false).singletonOrThrow().softmax(1).toFloatArray();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 1, 8, 6});
                 OrtSession.Result out = session.run(Map.of(CnnOnnxExport.INPUT, in))) {
                float[][] ort = (float[][]) out.get(CnnOnnxExport.OUTPUT).orElseThrow().getValue();
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < 3; k++) {
                        assertThat(Math.abs(ort[i][k] - djl[i * 3 + k])).isLessThanOrEqualTo(1e-5f);
                    }
                }
            }
        }
    }

    @Test
    void refusesLabelsThatDoNotMatchTheOutputsAndUninitialisedBlocks() {
        SequentialBlock block = NET.block();
        assertThatThrownBy(() -> CnnOnnxExport.model(NET, block, List.of("a", "b"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 labels");
        assertThatThrownBy(() -> CnnOnnxExport.model(NET, block, List.of("a", "b", "c"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no trained parameter");
    }
}
