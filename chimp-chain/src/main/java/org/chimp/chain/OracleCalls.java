package org.chimp.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/** ChimpOracle's calls as ABI data, and its views read with eth_call (no wallet needed). */
public final class OracleCalls {
    /** jobState values. */
    public static final int NONE = 0;
    public static final int OPEN = 1;
    public static final int FULFILLED = 2;
    public static final int FAILED = 3;
    public static final int RECLAIMED = 4;

    private final Web3j web3j;
    private final String contract;

    public OracleCalls(Web3j web3j, String contract) {
        this.web3j = web3j;
        this.contract = contract;
    }

    public String contract() {
        return contract;
    }

    public static String fulfill(BigInteger jobId, byte[] outputHash, String outputUri) {
        return FunctionEncoder.encode(new Function("fulfill", List.of(new Uint256(jobId), new Bytes32(outputHash), new Utf8String(outputUri)), List.of()));
    }

    public static String fail(BigInteger jobId, String reason) {
        return FunctionEncoder.encode(new Function("fail", List.of(new Uint256(jobId), new Utf8String(reason)), List.of()));
    }

    public static String registerModel(String name, String task, byte[] configHash, String configUri, BigInteger price) {
        return FunctionEncoder.encode(new Function("registerModel", List.of(new Utf8String(name), new Utf8String(task),
                new Bytes32(configHash), new Utf8String(configUri), new Uint256(price)), List.of()));
    }

    public int jobState(BigInteger jobId) throws IOException {
        List<Type> out = call(new Function("jobState", List.of(new Uint256(jobId)), List.of(new TypeReference<Uint8>() { })));
        return ((BigInteger) out.get(0).getValue()).intValueExact();
    }

    /** A model as registered on chain. */
    public record ChainModel(BigInteger id, String name, String task, byte[] configHash, String configUri, BigInteger price, boolean active) {
    }

    public ChainModel model(BigInteger modelId) throws IOException {
        List<Type> out = call(new Function("getModel", List.of(new Uint256(modelId)), List.of(
                new TypeReference<Utf8String>() { }, new TypeReference<Utf8String>() { }, new TypeReference<Bytes32>() { },
                new TypeReference<Utf8String>() { }, new TypeReference<Uint256>() { }, new TypeReference<Bool>() { })));
        return new ChainModel(modelId, (String) out.get(0).getValue(), (String) out.get(1).getValue(), (byte[]) out.get(2).getValue(),
                (String) out.get(3).getValue(), (BigInteger) out.get(4).getValue(), (Boolean) out.get(5).getValue());
    }

    @SuppressWarnings("rawtypes")
    private List<Type> call(Function function) throws IOException {
        EthCall result = web3j.ethCall(Transaction.createEthCallTransaction(null, contract, FunctionEncoder.encode(function)),
                DefaultBlockParameterName.LATEST).send();
        if (result.hasError() || result.isReverted()) {
            throw new IOException(function.getName() + " failed on the node: "
                    + (result.hasError() ? result.getError().getMessage() : result.getRevertReason()));
        }
        List<Type> out = FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
        if (out.isEmpty()) {
            throw new IOException(function.getName() + " returned nothing: is " + contract + " a ChimpOracle?");
        }
        return out;
    }
}
