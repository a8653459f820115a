#!/bin/bash
# 16 parallel terraform init sharing one plugin_cache_dir, fresh cache each repetition.
cd /tmp/pc-demo; export TF_CLI_CONFIG_FILE=/tmp/pc-demo/naive.tfrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
fail=0
for rep in $(seq 1 ${REPS:-20}); do
  rm -rf naive-cache; mkdir naive-cache; rm -rf runs; mkdir runs
  for i in $(seq 1 16); do mkdir runs/$i; cp proj/main.tf proj/.terraform.lock.hcl runs/$i/; done
  for i in $(seq 1 16); do (cd runs/$i && terraform init -input=false -no-color > out.txt 2>&1; echo $? > rc) & done; wait
  for i in $(seq 1 16); do if [ "$(cat runs/$i/rc)" != 0 ]; then fail=$((fail+1)); echo "rep $rep job $i:"; grep -i -E "error|mismatch|checksum" runs/$i/out.txt | head -3; fi; done
done
echo "failed inits: $fail of $(( ${REPS:-20} * 16 ))"
