// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ChimpOracle: smart contracts ask CHIMP's models for outputs.
/// @notice A requester pays a model's price and asks for a job; a sequencer runs it off chain and fulfils it with the
/// sha256 of the output and a URI where the output is served (or fails it, which refunds the requester). A job that
/// nobody answers before its deadline can be reclaimed by anyone, which refunds the requester. Every state change
/// emits an event, and every job moves Open -> Fulfilled | Failed | Reclaimed exactly once.
contract ChimpOracle {
    /// Job states as returned by jobState(); None means "no such job".
    uint8 public constant NONE = 0;
    uint8 public constant OPEN = 1;
    uint8 public constant FULFILLED = 2;
    uint8 public constant FAILED = 3;
    uint8 public constant RECLAIMED = 4;

    /// Bounds on what callers hand in, so that no call can make events or storage arbitrarily large.
    uint32 public constant MAX_CALLBACK_GAS = 2_000_000;
    uint256 public constant MAX_INPUT_BYTES = 32_768;
    uint256 public constant MAX_STRING_BYTES = 512;
    /// Gas the oracle keeps for itself after the callback (events, bookkeeping), and the most return data of a
    /// failed callback it copies into CallbackFailed (so a callback cannot grief with a huge revert message).
    uint256 private constant GAS_RESERVE = 10_000;
    uint256 private constant MAX_REVERT_BYTES = 256;
    /// Gas given to a refund transfer: enough for a receive() that records the payment, too little to reenter.
    uint256 private constant REFUND_GAS = 10_000;
    uint64 public constant MIN_TIMEOUT = 60;
    uint64 public constant MAX_TIMEOUT = 30 days;

    struct Model {
        string name;
        string task;
        bytes32 configHash;
        string configUri;
        uint256 price;
        bool active;
    }

    struct Job {
        uint256 modelId;
        address requester;
        address callback;
        bytes4 selector;
        uint32 callbackGasLimit;
        uint64 deadline;
        uint8 state;
        uint256 payment;
        bytes32 outputHash;
        string outputUri;
    }

    address public owner;
    mapping(address => bool) public isSequencer;
    uint256 public modelCount;
    uint256 public jobCount;
    /// Seconds a job stays open for the sequencer; after that the requester's payment can be reclaimed.
    uint64 public jobTimeout = 1 hours;
    /// Earned fees (payments of fulfilled jobs) not yet withdrawn by the owner.
    uint256 public fees;
    /// Refunds whose push transfer failed; the recipient collects them with claim().
    mapping(address => uint256) public credits;

    mapping(uint256 => Model) private models;
    mapping(uint256 => Job) private jobs;
    uint256 private locked = 1;

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event SequencerSet(address indexed sequencer, bool allowed);
    event JobTimeoutSet(uint64 timeout);
    event ModelRegistered(uint256 indexed modelId, string name, string task, bytes32 configHash, string configUri, uint256 price);
    event ModelPriceSet(uint256 indexed modelId, uint256 price);
    event ModelDeactivated(uint256 indexed modelId);
    event JobCreated(uint256 indexed jobId, uint256 indexed modelId, address indexed requester, bytes input, uint256 seed, uint64 deadline);
    event JobFulfilled(uint256 indexed jobId, bytes32 outputHash, string outputUri, address indexed sequencer);
    event CallbackFailed(uint256 indexed jobId, bytes reason);
    event JobFailed(uint256 indexed jobId, string reason, address indexed sequencer);
    event JobReclaimed(uint256 indexed jobId, address indexed by);
    event Refunded(uint256 indexed jobId, address indexed to, uint256 amount);
    event RefundDeferred(uint256 indexed jobId, address indexed to, uint256 amount);
    event CreditClaimed(address indexed to, uint256 amount);
    event FeesWithdrawn(address indexed to, uint256 amount);

    modifier onlyOwner() {
        require(msg.sender == owner, "ChimpOracle: not owner");
        _;
    }

    modifier onlySequencer() {
        require(isSequencer[msg.sender], "ChimpOracle: not a sequencer");
        _;
    }

    /// One guard for every function that moves money or changes a job: a callback or a refund recipient cannot
    /// reenter any of them.
    modifier nonReentrant() {
        require(locked == 1, "ChimpOracle: reentrant call");
        locked = 2;
        _;
        locked = 1;
    }

    constructor() {
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
    }

    // ------------------------------------------------------------------ administration (owner)

    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "ChimpOracle: zero owner");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function setSequencer(address sequencer, bool allowed) external onlyOwner {
        require(sequencer != address(0), "ChimpOracle: zero sequencer");
        isSequencer[sequencer] = allowed;
        emit SequencerSet(sequencer, allowed);
    }

    /// Applies to jobs requested from now on; open jobs keep the deadline they were created with.
    function setJobTimeout(uint64 timeout) external onlyOwner {
        require(timeout >= MIN_TIMEOUT && timeout <= MAX_TIMEOUT, "ChimpOracle: timeout out of range");
        jobTimeout = timeout;
        emit JobTimeoutSet(timeout);
    }

    function registerModel(string calldata name, string calldata task, bytes32 configHash, string calldata configUri, uint256 price)
        external onlyOwner returns (uint256 modelId)
    {
        require(bytes(name).length > 0 && bytes(name).length <= MAX_STRING_BYTES, "ChimpOracle: bad name");
        require(bytes(task).length > 0 && bytes(task).length <= MAX_STRING_BYTES, "ChimpOracle: bad task");
        require(bytes(configUri).length <= MAX_STRING_BYTES, "ChimpOracle: config URI too long");
        modelId = ++modelCount;
        models[modelId] = Model(name, task, configHash, configUri, price, true);
        emit ModelRegistered(modelId, name, task, configHash, configUri, price);
    }

    function setModelPrice(uint256 modelId, uint256 price) external onlyOwner {
        require(models[modelId].active, "ChimpOracle: no active model");
        models[modelId].price = price;
        emit ModelPriceSet(modelId, price);
    }

    /// Final: a deactivated model takes no new jobs (open ones still complete); register it again for a new id.
    function deactivateModel(uint256 modelId) external onlyOwner {
        require(models[modelId].active, "ChimpOracle: no active model");
        models[modelId].active = false;
        emit ModelDeactivated(modelId);
    }

    /// Fees are only ever the payments of fulfilled jobs: money of open jobs stays in escrow.
    function withdraw(address payable to) external onlyOwner nonReentrant {
        require(to != address(0), "ChimpOracle: zero recipient");
        uint256 amount = fees;
        fees = 0;
        (bool ok,) = to.call{value: amount}("");
        require(ok, "ChimpOracle: withdraw failed");
        emit FeesWithdrawn(to, amount);
    }

    // ------------------------------------------------------------------ requesters

    /// Asks for one run of a model on `input`. The whole payment (at least the price) is held until the job ends:
    /// it becomes a fee when fulfilled and goes back to the requester when failed or reclaimed. With a non-zero
    /// `callback`, fulfilment calls `callback.selector(uint256 jobId, bytes32 outputHash, string outputUri)` with at
    /// most `callbackGasLimit` gas.
    function requestJob(uint256 modelId, bytes calldata input, address callback, bytes4 selector, uint32 callbackGasLimit, uint256 seed)
        external payable nonReentrant returns (uint256 jobId)
    {
        Model storage model = models[modelId];
        require(model.active, "ChimpOracle: no active model");
        require(msg.value >= model.price, "ChimpOracle: payment below price");
        require(input.length <= MAX_INPUT_BYTES, "ChimpOracle: input too large");
        require(callbackGasLimit <= MAX_CALLBACK_GAS, "ChimpOracle: callback gas limit too high");
        if (callback == address(0)) {
            require(selector == bytes4(0) && callbackGasLimit == 0, "ChimpOracle: callback fields without callback");
        } else {
            require(callbackGasLimit > 0, "ChimpOracle: callback without gas");
        }
        jobId = ++jobCount;
        uint64 deadline = uint64(block.timestamp) + jobTimeout;
        Job storage job = jobs[jobId];
        job.modelId = modelId;
        job.requester = msg.sender;
        job.callback = callback;
        job.selector = selector;
        job.callbackGasLimit = callbackGasLimit;
        job.deadline = deadline;
        job.state = OPEN;
        job.payment = msg.value;
        emit JobCreated(jobId, modelId, msg.sender, input, seed, deadline);
    }

    /// Anyone may end a job nobody answered in time; the payment goes back to the requester.
    function reclaim(uint256 jobId) external nonReentrant {
        Job storage job = jobs[jobId];
        require(job.state == OPEN, "ChimpOracle: job not open");
        require(block.timestamp > job.deadline, "ChimpOracle: deadline not passed");
        job.state = RECLAIMED;
        emit JobReclaimed(jobId, msg.sender);
        _refund(jobId, job);
    }

    /// Collects refunds that could not be pushed (a requester contract without a cheap receive()).
    function claim() external nonReentrant {
        uint256 amount = credits[msg.sender];
        require(amount > 0, "ChimpOracle: nothing to claim");
        credits[msg.sender] = 0;
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        require(ok, "ChimpOracle: claim failed");
        emit CreditClaimed(msg.sender, amount);
    }

    // ------------------------------------------------------------------ sequencers

    /// Records the output of an open job before its deadline, then calls the requester back. A callback that
    /// reverts or runs out of its gas is reported in CallbackFailed and does not undo the fulfilment.
    function fulfill(uint256 jobId, bytes32 outputHash, string calldata outputUri) external onlySequencer nonReentrant {
        Job storage job = jobs[jobId];
        require(job.state == OPEN, "ChimpOracle: job not open");
        require(block.timestamp <= job.deadline, "ChimpOracle: deadline passed");
        require(bytes(outputUri).length <= MAX_STRING_BYTES, "ChimpOracle: output URI too long");
        job.state = FULFILLED;
        job.outputHash = outputHash;
        job.outputUri = outputUri;
        fees += job.payment;
        emit JobFulfilled(jobId, outputHash, outputUri, msg.sender);
        if (job.callback != address(0)) {
            _callBack(jobId, job, outputHash, outputUri);
        }
    }

    /// Ends an open job whose model failed; the requester gets the whole payment back.
    function fail(uint256 jobId, string calldata reason) external onlySequencer nonReentrant {
        Job storage job = jobs[jobId];
        require(job.state == OPEN, "ChimpOracle: job not open");
        require(block.timestamp <= job.deadline, "ChimpOracle: deadline passed");
        require(bytes(reason).length <= MAX_STRING_BYTES, "ChimpOracle: reason too long");
        job.state = FAILED;
        emit JobFailed(jobId, reason, msg.sender);
        _refund(jobId, job);
    }

    // ------------------------------------------------------------------ views

    function jobState(uint256 jobId) external view returns (uint8) {
        return jobs[jobId].state;
    }

    function getJob(uint256 jobId) external view returns (
        uint256 modelId, address requester, address callback, uint256 payment, uint64 deadline, uint8 state,
        bytes32 outputHash, string memory outputUri)
    {
        Job storage job = jobs[jobId];
        return (job.modelId, job.requester, job.callback, job.payment, job.deadline, job.state, job.outputHash, job.outputUri);
    }

    function getModel(uint256 modelId) external view returns (
        string memory name, string memory task, bytes32 configHash, string memory configUri, uint256 price, bool active)
    {
        Model storage model = models[modelId];
        return (model.name, model.task, model.configHash, model.configUri, model.price, model.active);
    }

    // ------------------------------------------------------------------ internals

    function _callBack(uint256 jobId, Job storage job, bytes32 outputHash, string calldata outputUri) private {
        address target = job.callback;
        uint256 gasLimit = job.callbackGasLimit;
        if (target.code.length == 0) {
            emit CallbackFailed(jobId, bytes("callback has no code"));
            return;
        }
        bytes memory data = abi.encodeWithSelector(job.selector, jobId, outputHash, outputUri);
        // A call forwards at most 63/64 of the gas left (EIP-150): without this check a sequencer could send too
        // little gas and have the callback fail "by itself" while the job counts as fulfilled.
        require(gasleft() >= gasLimit + gasLimit / 63 + GAS_RESERVE, "ChimpOracle: too little gas for the callback");
        bool ok;
        bytes memory reason;
        assembly {
            ok := call(gasLimit, target, 0, add(data, 0x20), mload(data), 0, 0)
        }
        if (!ok) {
            // Copy at most MAX_REVERT_BYTES of the revert data: a callback cannot make this call expensive.
            uint256 size;
            assembly { size := returndatasize() }
            if (size > MAX_REVERT_BYTES) size = MAX_REVERT_BYTES;
            reason = new bytes(size);
            assembly { returndatacopy(add(reason, 0x20), 0, size) }
            emit CallbackFailed(jobId, reason);
        }
    }

    function _refund(uint256 jobId, Job storage job) private {
        uint256 amount = job.payment;
        if (amount == 0) return;
        address to = job.requester;
        (bool ok,) = payable(to).call{value: amount, gas: REFUND_GAS}("");
        if (ok) {
            emit Refunded(jobId, to, amount);
        } else {
            credits[to] += amount;
            emit RefundDeferred(jobId, to, amount);
        }
    }
}
