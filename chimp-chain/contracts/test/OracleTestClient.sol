// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// Test-only: a requester whose callback misbehaves on purpose, to prove the oracle survives it.
interface IOracleUnderTest {
    function requestJob(uint256 modelId, bytes calldata input, address callback, bytes4 selector, uint32 callbackGasLimit, uint256 seed)
        external payable returns (uint256 jobId);
    function fulfill(uint256 jobId, bytes32 outputHash, string calldata outputUri) external;
    function fail(uint256 jobId, string calldata reason) external;
    function reclaim(uint256 jobId) external;
    function withdraw(address payable to) external;
}

contract OracleTestClient {
    uint8 public constant ACCEPT = 0;
    uint8 public constant REVERT = 1;
    uint8 public constant BURN_GAS = 2;
    uint8 public constant REENTER_FULFILL = 3;
    uint8 public constant REENTER_FAIL = 4;
    uint8 public constant REENTER_REQUEST = 5;
    uint8 public constant HUGE_REVERT = 6;

    IOracleUnderTest public immutable oracle;
    uint8 public mode;
    bool public acceptsPayments = true;
    uint256 public calls;
    uint256 public lastJobId;
    bytes32 public lastHash;
    string public lastUri;

    constructor(IOracleUnderTest oracle_) {
        oracle = oracle_;
    }

    function setMode(uint8 mode_) external { mode = mode_; }
    function setAcceptsPayments(bool accepts) external { acceptsPayments = accepts; }

    function request(uint256 modelId, bytes calldata input, uint32 gasLimit) external payable returns (uint256) {
        return oracle.requestJob{value: msg.value}(modelId, input, address(this), this.onResult.selector, gasLimit, 7);
    }

    function claimCredit(address target) external {
        (bool ok,) = target.call(abi.encodeWithSignature("claim()"));
        require(ok, "claim failed");
    }

    function onResult(uint256 jobId, bytes32 outputHash, string calldata outputUri) external {
        calls++;
        lastJobId = jobId;
        lastHash = outputHash;
        lastUri = outputUri;
        if (mode == REVERT) revert("client refuses");
        if (mode == BURN_GAS) { while (true) {} }
        if (mode == REENTER_FULFILL) oracle.fulfill(jobId, bytes32(uint256(1)), "again");
        if (mode == REENTER_FAIL) oracle.fail(jobId, "again");
        if (mode == REENTER_REQUEST) oracle.requestJob(1, "", address(0), bytes4(0), 0, 0);
        if (mode == HUGE_REVERT) {
            assembly { revert(0, 100000) }
        }
    }

    receive() external payable {
        require(acceptsPayments, "no payments");
    }
}
