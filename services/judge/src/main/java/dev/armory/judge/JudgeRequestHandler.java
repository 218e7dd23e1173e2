package dev.armory.judge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.data.DatasetException;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.JudgePanel;
import dev.armory.engine.judge.JudgeProgress;
import dev.armory.engine.judge.PipelineOptions;
import dev.armory.engine.judge.PreferencePipeline;
import dev.armory.engine.judge.PreferenceRun;
import dev.armory.engine.judge.PreferenceSummary;
import dev.armory.engine.judge.PromptEntry;
import dev.armory.engine.judge.PromptFormat;
import dev.armory.engine.judge.PromptSet;
import dev.armory.engine.judge.external.OpenAiChatModel;
import dev.armory.engine.judge.external.OpenAiEndpoint;
import dev.armory.engine.judge.llm.ChatModel;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.judge.llm.LlmPairwiseJudge;
import dev.armory.engine.judge.llm.PairwisePrompt;
import dev.armory.engine.judge.rules.Constitution;
import dev.armory.engine.judge.rules.ConstitutionException;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.JudgeCompleted;
import dev.armory.events.v1.JudgeRequested;
import dev.armory.events.v1.JudgeSpec;
import dev.armory.events.v1.Objective;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.events.ConsumedEvent;
import dev.armory.platform.events.EventHandler;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.InvalidEventException;
import dev.armory.platform.store.ArtifactExistsException;
import dev.armory.platform.store.ArtifactManifest;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ProcessedKeys;
import dev.armory.proto.inference.v1.Adapter;
import dev.armory.proto.inference.v1.Model;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles JudgeRequested: once per idempotency key (default: the run id) it samples K candidates
 * per prompt through the inference service, judges every pair (rules first, then the LLM judges in
 * both orders), stores the kept pairs as a preference dataset, and publishes DatasetIngested (kind
 * PREFERENCE), a DPO TrainingRequested on it when start_dpo is set, and JudgeCompleted. A request
 * that cannot work (no judge, unreadable constitution or prompts, unknown model or adapter, a fatal
 * judge error) is rejected to the dead-letter topic with the reason; a transient inference failure
 * is retried by redelivery.
 */
@Singleton
public class JudgeRequestHandler implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JudgeRequestHandler.class);

  /** Files of a dataset folder a prompt set is read from, in order of preference. */
  private static final List<String> PROMPT_FILES =
      List.of("prompts.jsonl", "prompts.txt", "source.jsonl", "train.jsonl");

  private final JudgeConfig config;
  private final ArtifactStore store;
  private final EventProducer producer;
  private final PreferenceDatasets datasets;

  public JudgeRequestHandler(JudgeConfig config, ArtifactStore store, EventProducer producer) {
    this.config = config;
    this.store = store;
    this.producer = producer;
    this.datasets = new PreferenceDatasets(store, config.evalFraction(), config.splitSeed());
  }

  @Override
  public void handle(ConsumedEvent event) throws Exception {
    JudgeRequested request = event.payload(JudgeRequested.class);
    String runId = request.getRunId();
    if (runId.isEmpty()) {
      throw InvalidEventException.invalid("JudgeRequested has no run_id: set one");
    }
    String key = request.getIdempotencyKey().isEmpty() ? runId : request.getIdempotencyKey();
    ProcessedKeys.KeyRecord done = event.processed(key).orElse(null);
    if (done != null && done.state() == ProcessedKeys.State.DONE) {
      LOG.info("judge run {}: key {} already handled by event {}", runId, key, done.eventId());
      return;
    }
    String datasetId = outputDatasetId(request);
    validate(request);

    ArtifactManifest manifest = existing(runId, datasetId);
    ObjectNode summary;
    if (manifest == null) {
      PreferenceRun run = judge(request);
      summary = summaryJson(request, run.summary());
      manifest = storeRun(request, datasetId, run, summary);
    } else {
      summary = datasets.summary(datasetId);
      LOG.info(
          "judge run {}: dataset {} stored by an earlier attempt; announcing it", runId, datasetId);
    }
    Map<String, String> result = new LinkedHashMap<>();
    String trainingRunId = "";
    if (manifest != null) {
      DatasetIngested ingested = datasets.ingested(manifest);
      producer.sendAndWait(Events.causedBy(event.envelope(), datasetId, ingested));
      result.put("dataset", datasetId);
      if (request.getStartDpo()) {
        TrainingRequested training = dpoRequest(request, key, ingested.getDataset());
        producer.sendAndWait(Events.causedBy(event.envelope(), training.getRunId(), training));
        trainingRunId = training.getRunId();
        result.put("training_run", trainingRunId);
      }
    }
    JudgeCompleted completed = completed(runId, datasetId, manifest, summary, trainingRunId);
    producer.sendAndWait(Events.causedBy(event.envelope(), runId, completed));
    event.keys().complete(event.scope(), key, event.envelope().getEventId(), result);
    LOG.info(
        "judge run {}: {} pairs kept of {} compared{}",
        runId,
        completed.getPairsKept(),
        completed.getPairsCompared(),
        trainingRunId.isEmpty() ? "" : "; DPO run " + trainingRunId + " requested");
  }

  /** The request's output dataset id (default {@code <run_id>-prefs}), checked. */
  private static String outputDatasetId(JudgeRequested request) throws InvalidEventException {
    String id =
        request.getOutputDatasetId().isEmpty()
            ? request.getRunId() + "-prefs"
            : request.getOutputDatasetId();
    try {
      return ArtifactStore.checkId(id);
    } catch (IllegalArgumentException e) {
      throw invalid(request, "output_dataset_id: " + e.getMessage());
    }
  }

  /** Checks what can be checked without calling anything. */
  private void validate(JudgeRequested r) throws InvalidEventException {
    JudgeSpec spec = r.getJudge();
    if (!r.hasJudge()
        || spec.getConstitutionUri().isEmpty()
            && !spec.hasLlmJudgeModel()
            && spec.getExternalJudgeUrl().isEmpty()) {
      throw invalid(
          r,
          "the judge spec names no judge: set judge.constitution_uri, judge.llm_judge_model"
              + " and/or judge.external_judge_url");
    }
    if (spec.getExternalJudgeUrl().isEmpty() != spec.getExternalJudgeModel().isEmpty()) {
      throw invalid(r, "judge.external_judge_url and judge.external_judge_model go together");
    }
    if (!spec.getApiKeyEnv().isEmpty() && spec.getExternalJudgeUrl().isEmpty()) {
      throw invalid(r, "judge.api_key_env is for the external judge: set judge.external_judge_url");
    }
    if (spec.hasLlmJudgeAdapter() && !spec.hasLlmJudgeModel()) {
      throw invalid(r, "judge.llm_judge_adapter needs judge.llm_judge_model");
    }
    if (!r.hasPromptDataset()) {
      throw invalid(r, "prompt_dataset is unset: name the prompts to sample answers for");
    }
    if (r.getSamplesPerPrompt() == 1 || r.getSamplesPerPrompt() < 0) {
      throw invalid(
          r,
          "samples_per_prompt must be >= 2 to form pairs (0 = the service default "
              + config.samplesPerPrompt()
              + "), got "
              + r.getSamplesPerPrompt());
    }
    if (r.getStartDpo() && !r.hasCandidateModel()) {
      throw invalid(r, "start_dpo needs candidate_model: it is the DPO run's base model");
    }
  }

  /** The stored dataset of an earlier attempt of this run, or null when there is none. */
  private ArtifactManifest existing(String runId, String datasetId) throws InvalidEventException {
    ArtifactManifest m = store.manifest(ArtifactKind.ARTIFACT_KIND_DATASET, datasetId).orElse(null);
    if (m == null) {
      return null;
    }
    Object madeBy = m.details() == null ? null : m.details().get("judge_run");
    if (!runId.equals(madeBy)) {
      throw new InvalidEventException(
          InvalidEventException.Kind.INVALID,
          "JudgeRequested "
              + runId
              + ": dataset "
              + datasetId
              + " already exists (made by "
              + (madeBy == null ? m.producer() : "judge run " + madeBy)
              + "); datasets are immutable: set another output_dataset_id");
    }
    return m;
  }

  /** Samples and judges; failures that a retry cannot fix become InvalidEventException. */
  private PreferenceRun judge(JudgeRequested r) throws InvalidEventException {
    List<PromptEntry> prompts = prompts(r);
    Constitution constitution = constitution(r);
    List<InferenceClient> clients = new ArrayList<>();
    try {
      InferenceClient candidates =
          new InferenceClient(config.inferenceTarget(), config.callTimeout());
      clients.add(candidates);
      Model served = candidates.model();
      String model =
          checkModel(
              r,
              "candidate_model",
              r.getCandidateModel(),
              r.hasCandidateModel(),
              served,
              candidates);
      String adapter =
          r.hasCandidateAdapter()
              ? checkAdapter(r, "candidate_adapter", r.getCandidateAdapter(), candidates)
              : null;
      PromptFormat format = format(r, served);

      List<ChatModel> chatModels = new ArrayList<>();
      JudgeSpec spec = r.getJudge();
      if (spec.hasLlmJudgeModel()) {
        InferenceClient judgeClient =
            config.judgeTarget().equals(config.inferenceTarget())
                ? candidates
                : new InferenceClient(config.judgeTarget(), config.callTimeout());
        if (judgeClient != candidates) {
          clients.add(judgeClient);
        }
        Model judgeServed = judgeClient == candidates ? served : judgeClient.model();
        String judgeModel =
            checkModel(
                r,
                "judge.llm_judge_model",
                spec.getLlmJudgeModel(),
                true,
                judgeServed,
                judgeClient);
        String judgeAdapter =
            spec.hasLlmJudgeAdapter()
                ? checkAdapter(r, "judge.llm_judge_adapter", spec.getLlmJudgeAdapter(), judgeClient)
                : null;
        String id = judgeModel + (judgeAdapter == null ? "" : "+" + judgeAdapter);
        chatModels.add(new GrpcChatModel(judgeClient, judgeModel, judgeAdapter, id));
      }
      if (!spec.getExternalJudgeUrl().isEmpty()) {
        try {
          OpenAiEndpoint endpoint =
              OpenAiEndpoint.of(spec.getExternalJudgeUrl(), spec.getExternalJudgeModel())
                  .withApiKeyEnv(spec.getApiKeyEnv().isEmpty() ? null : spec.getApiKeyEnv())
                  .withTimeout(config.externalTimeout())
                  .withRetries(
                      config.externalRetries(), Duration.ofMillis(500), Duration.ofSeconds(20))
                  .withRequestsPerSecond(config.externalRequestsPerSecond());
          chatModels.add(OpenAiChatModel.create(endpoint));
        } catch (IllegalArgumentException e) {
          throw invalid(r, "external judge: " + e.getMessage());
        }
      }
      PairwisePrompt prompt =
          constitution != null && constitution.rubric() != null
              ? new PairwisePrompt(constitution.rubric())
              : PairwisePrompt.defaults();
      ChatOptions chatOptions = ChatOptions.greedy(config.judgeMaxTokens());
      List<LlmPairwiseJudge> judges = new ArrayList<>();
      for (ChatModel m : chatModels) {
        judges.add(new LlmPairwiseJudge(m, prompt, chatOptions));
      }
      JudgePanel panel = new JudgePanel(constitution, judges);
      PipelineOptions options = options(r, format, adapter);
      LOG.info(
          "judge run {}: {} prompts x {} samples from {} on {}, judges: {}",
          r.getRunId(),
          prompts.size(),
          options.k(),
          served.getId() + (adapter == null ? "" : "+" + adapter),
          config.inferenceTarget(),
          judgeNames(panel));
      GrpcCandidateSource source =
          new GrpcCandidateSource(candidates, model, r.getSampling().getStopList());
      return new PreferencePipeline(source, panel, options).run(prompts, JudgeProgress.none());
    } catch (InferenceCallException e) {
      if (e.permanent()) {
        throw invalid(r, e.getMessage());
      }
      throw e;
    } catch (JudgeCallException e) {
      // Only fatal ones reach here (others drop their pair): every further call would fail too.
      throw invalid(r, e.getMessage());
    } finally {
      clients.forEach(InferenceClient::close);
    }
  }

  private PipelineOptions options(JudgeRequested r, PromptFormat format, String adapter)
      throws InvalidEventException {
    dev.armory.events.v1.SamplingParams s = r.getSampling();
    int k = r.getSamplesPerPrompt() == 0 ? config.samplesPerPrompt() : r.getSamplesPerPrompt();
    int maxNew = s.getMaxNewTokens() == 0 ? config.maxNewTokens() : s.getMaxNewTokens();
    try {
      SamplingParams sampling =
          new SamplingParams(
              s.getTemperature() == 0 ? config.temperature() : s.getTemperature(),
              s.getTopK(),
              s.getTopP() == 0 ? 1 : s.getTopP(),
              1,
              s.getSeed());
      return new PipelineOptions(format, k, sampling, maxNew, adapter, 1);
    } catch (IllegalArgumentException e) {
      throw invalid(r, "sampling: " + e.getMessage());
    }
  }

  private PromptFormat format(JudgeRequested r, Model served) throws InvalidEventException {
    switch (config.promptFormat().toLowerCase(Locale.ROOT)) {
      case "raw":
        return PromptFormat.RAW;
      case "chat":
        if (!served.getHasChatTemplate()) {
          throw invalid(
              r,
              "armory.judge.prompt-format is chat but model "
                  + served.getId()
                  + " has no chat template; set it to raw or auto");
        }
        return PromptFormat.CHAT;
      default:
        return served.getHasChatTemplate() ? PromptFormat.CHAT : PromptFormat.RAW;
    }
  }

  /** The model id requests name, after checking the server serves it. */
  private static String checkModel(
      JudgeRequested r,
      String field,
      ArtifactRef ref,
      boolean set,
      Model served,
      InferenceClient client)
      throws InvalidEventException {
    if (!set) {
      return "";
    }
    String name = name(ref);
    if (!name.equals(served.getId())) {
      throw invalid(
          r,
          field
              + " '"
              + name
              + "' is not the model the inference service at "
              + client.target()
              + " serves ('"
              + served.getId()
              + "'); point the judge service at a server for it");
    }
    return name;
  }

  /** The adapter id requests name, after checking the server knows it. */
  private static String checkAdapter(
      JudgeRequested r, String field, ArtifactRef ref, InferenceClient client)
      throws InvalidEventException {
    String name = name(ref);
    List<String> known = client.adapters().stream().map(Adapter::getId).toList();
    if (!known.contains(name)) {
      throw invalid(
          r,
          field
              + " '"
              + name
              + "' is not registered with the inference service at "
              + client.target()
              + " (it has "
              + known
              + "); load it there first (LoadAdapter)");
    }
    return name;
  }

  /** An artifact's name: its store id, else the last segment of its uri. */
  static String name(ArtifactRef ref) {
    if (!ref.getId().isEmpty()) {
      return ref.getId();
    }
    String uri = ref.getUri().replaceAll("/+$", "");
    return uri.substring(uri.lastIndexOf('/') + 1);
  }

  private List<PromptEntry> prompts(JudgeRequested r) throws InvalidEventException {
    Path path;
    try {
      path = store.resolve(r.getPromptDataset());
    } catch (IllegalArgumentException e) {
      throw invalid(r, "prompt_dataset: " + e.getMessage());
    }
    Path file = path;
    if (Files.isDirectory(path)) {
      file = null;
      for (String name : PROMPT_FILES) {
        if (Files.isRegularFile(path.resolve(name))) {
          file = path.resolve(name);
          break;
        }
      }
      if (file == null) {
        throw invalid(r, "prompt_dataset " + path + " holds none of " + PROMPT_FILES);
      }
    }
    try {
      List<PromptEntry> prompts = PromptSet.read(file);
      return config.maxPrompts() > 0 && prompts.size() > config.maxPrompts()
          ? prompts.subList(0, config.maxPrompts())
          : prompts;
    } catch (DatasetException e) {
      throw invalid(r, "prompt_dataset: " + e.getMessage());
    } catch (IOException e) {
      throw invalid(r, "prompt_dataset " + file + " cannot be read: " + e.getMessage());
    }
  }

  private Constitution constitution(JudgeRequested r) throws InvalidEventException {
    String uri = r.getJudge().getConstitutionUri();
    if (uri.isEmpty()) {
      return null;
    }
    Path file;
    try {
      file = store.resolveUri(uri);
      return Constitution.read(file);
    } catch (NoSuchFileException e) {
      throw invalid(r, "judge.constitution_uri " + uri + ": no such file");
    } catch (IOException e) {
      throw invalid(r, "judge.constitution_uri " + uri + " cannot be read: " + e.getMessage());
    } catch (ConstitutionException | IllegalArgumentException e) {
      throw invalid(r, "judge.constitution_uri " + uri + ": " + e.getMessage());
    }
  }

  private ArtifactManifest storeRun(
      JudgeRequested r, String datasetId, PreferenceRun run, ObjectNode summary)
      throws InvalidEventException {
    if (run.records().isEmpty()) {
      LOG.warn(
          "judge run {}: no pair was kept, so no dataset is stored\n{}",
          r.getRunId(),
          run.summary().describe());
      return null;
    }
    Map<String, ArtifactRef> parents = new LinkedHashMap<>();
    parents.put("prompt_dataset", r.getPromptDataset());
    if (r.hasCandidateModel()) {
      parents.put("candidate_model", r.getCandidateModel());
    }
    if (r.hasCandidateAdapter()) {
      parents.put("candidate_adapter", r.getCandidateAdapter());
    }
    if (r.getJudge().hasLlmJudgeModel()) {
      parents.put("llm_judge_model", r.getJudge().getLlmJudgeModel());
    }
    if (r.getJudge().hasLlmJudgeAdapter()) {
      parents.put("llm_judge_adapter", r.getJudge().getLlmJudgeAdapter());
    }
    try {
      return datasets.store(datasetId, r.getRunId(), run, summary, parents, Map.of());
    } catch (ArtifactExistsException e) {
      // Another delivery stored it meanwhile: announce that one.
      return existing(r.getRunId(), datasetId);
    }
  }

  private ObjectNode summaryJson(JudgeRequested r, PreferenceSummary s) {
    ObjectNode n = s.toJson();
    n.put("run_id", r.getRunId());
    n.put("position_agreement", positionAgreement(s));
    if (!r.getJudge().getConstitutionUri().isEmpty()) {
      n.put("constitution_uri", r.getJudge().getConstitutionUri());
    }
    return n;
  }

  /** Of the pairs with parseable verdicts in both orders, the share whose orders agreed. */
  static double positionAgreement(PreferenceSummary s) {
    int agreed = s.keptByLlm() + s.ties() + s.judgeDisagreements();
    int total = agreed + s.positionDisagreements();
    return total == 0 ? 0 : (double) agreed / total;
  }

  private JudgeCompleted completed(
      String runId,
      String datasetId,
      ArtifactManifest manifest,
      ObjectNode s,
      String trainingRunId) {
    JudgeCompleted.Builder b =
        JudgeCompleted.newBuilder()
            .setRunId(runId)
            .setPrompts(s.path("prompts").asLong())
            .setCandidates(s.path("candidates").asLong())
            .setPairsCompared(s.path("pairs_compared").asLong())
            .setPairsKept(s.path("pairs_kept").asLong())
            .setKeptByRules(s.path("kept_by_rules").asLong())
            .setKeptByLlm(s.path("kept_by_llm").asLong())
            .setUnparseableReplies(s.path("unparseable_replies").asLong())
            .setPositionAgreement(s.path("position_agreement").asDouble())
            .setTrainingRunId(trainingRunId);
    for (String reason :
        List.of(
            "both_vetoed",
            "undecided",
            "ties",
            "position_disagreement",
            "judges_disagree",
            "unparseable",
            "judge_errors")) {
      b.putDropped(reason, s.path("dropped_" + reason).asLong());
    }
    if (manifest != null) {
      b.setDatasetId(datasetId)
          .setDataset(store.ref(ArtifactKind.ARTIFACT_KIND_DATASET, datasetId))
          .setSummaryPath(
              store.relative(
                  store
                      .dir(ArtifactKind.ARTIFACT_KIND_DATASET, datasetId)
                      .resolve(PreferenceDatasets.SUMMARY)));
    }
    return b.build();
  }

  /** The DPO run on the stored pairs: the candidate model is the base. */
  private static TrainingRequested dpoRequest(
      JudgeRequested r, String judgeKey, ArtifactRef dataset) {
    TrainingRequested.Builder b =
        TrainingRequested.newBuilder()
            .setRunId(r.getRunId() + "-dpo")
            .setIdempotencyKey(judgeKey + "-dpo")
            .setBaseModel(r.getCandidateModel())
            .setDataset(dataset)
            .setObjective(Objective.OBJECTIVE_DPO)
            .setRequestedBy("judge:" + r.getRunId())
            .putLabels("judge_run", r.getRunId());
    if (r.hasCandidateAdapter()) {
      // The pairs were sampled from this adapter: DPO starts from it and uses it as reference.
      b.setStartAdapter(r.getCandidateAdapter());
    }
    return b.build();
  }

  private static String judgeNames(JudgePanel panel) {
    List<String> names = new ArrayList<>();
    if (panel.rulesId() != null) {
      names.add(panel.rulesId());
    }
    panel.judges().forEach(j -> names.add(j.id()));
    return names.stream().collect(Collectors.joining(", "));
  }

  private static InvalidEventException invalid(JudgeRequested r, String reason) {
    return InvalidEventException.invalid("JudgeRequested " + r.getRunId() + ": " + reason);
  }
}
