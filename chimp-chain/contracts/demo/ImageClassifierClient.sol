// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "../IChimpOracle.sol";

/// Demo: asks CHIMP to classify an image and keeps the reference to the result it is called back with
/// (the sha256 of the classification JSON and the URI it is served at).
contract ImageClassifierClient is ChimpOracleClient {
    uint32 public constant CALLBACK_GAS = 200_000;

    struct Result {
        address requester;
        bool done;
        bytes32 outputHash;
        string outputUri;
    }

    uint256 public immutable modelId;
    mapping(uint256 => Result) private results;

    event ClassificationRequested(uint256 indexed jobId, address indexed requester);
    event ClassificationReceived(uint256 indexed jobId, bytes32 outputHash, string outputUri);

    constructor(IChimpOracle oracle_, uint256 modelId_) ChimpOracleClient(oracle_) {
        modelId = modelId_;
    }

    /// Pay at least the model's price; the image is the encoded file (PNG, JPEG, ...).
    function classify(bytes calldata image) external payable returns (uint256 jobId) {
        jobId = _request(modelId, image, this.onResult.selector, CALLBACK_GAS, 0);
        results[jobId].requester = msg.sender;
        emit ClassificationRequested(jobId, msg.sender);
    }

    function onResult(uint256 jobId, bytes32 outputHash, string calldata outputUri) external onlyOracle {
        Result storage result = results[jobId];
        require(result.requester != address(0) && !result.done, "client: unexpected result");
        result.done = true;
        result.outputHash = outputHash;
        result.outputUri = outputUri;
        emit ClassificationReceived(jobId, outputHash, outputUri);
    }

    function resultOf(uint256 jobId) external view returns (address requester, bool done, bytes32 outputHash, string memory outputUri) {
        Result storage result = results[jobId];
        return (result.requester, result.done, result.outputHash, result.outputUri);
    }
}
