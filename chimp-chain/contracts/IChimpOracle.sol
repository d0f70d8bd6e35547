// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// The part of ChimpOracle a client contract calls.
interface IChimpOracle {
    function requestJob(uint256 modelId, bytes calldata input, address callback, bytes4 selector, uint32 callbackGasLimit, uint256 seed)
        external payable returns (uint256 jobId);
    function jobState(uint256 jobId) external view returns (uint8);
}

/// What every oracle client needs: only the oracle may call back, and the payer of a job that failed or was
/// reclaimed gets the refund the oracle sent to the client (the client, not its user, is the oracle's requester).
abstract contract ChimpOracleClient {
    uint8 internal constant JOB_FAILED = 3;
    uint8 internal constant JOB_RECLAIMED = 4;

    IChimpOracle public immutable oracle;
    mapping(uint256 => address) public payerOf;
    mapping(uint256 => uint256) public paidFor;

    event PaymentReturned(uint256 indexed jobId, address indexed payer, uint256 amount);

    constructor(IChimpOracle oracle_) {
        oracle = oracle_;
    }

    modifier onlyOracle() {
        require(msg.sender == address(oracle), "client: caller is not the oracle");
        _;
    }

    /// Refunds arrive from the oracle only.
    receive() external payable {
        require(msg.sender == address(oracle), "client: unexpected payment");
    }

    function _request(uint256 modelId, bytes memory input, bytes4 selector, uint32 callbackGas, uint256 seed)
        internal returns (uint256 jobId)
    {
        jobId = oracle.requestJob{value: msg.value}(modelId, input, address(this), selector, callbackGas, seed);
        payerOf[jobId] = msg.sender;
        paidFor[jobId] = msg.value;
    }

    /// Pays the payer of a failed or reclaimed job back (once); anyone may trigger it.
    function returnPayment(uint256 jobId) external {
        uint8 state = oracle.jobState(jobId);
        require(state == JOB_FAILED || state == JOB_RECLAIMED, "client: job not failed or reclaimed");
        uint256 amount = paidFor[jobId];
        require(amount > 0, "client: nothing to return");
        paidFor[jobId] = 0;
        address payer = payerOf[jobId];
        (bool ok,) = payable(payer).call{value: amount}("");
        require(ok, "client: transfer failed");
        emit PaymentReturned(jobId, payer, amount);
    }
}
