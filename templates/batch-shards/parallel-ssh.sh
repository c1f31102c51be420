#!/usr/bin/env bash
# A class graded by GNU parallel over ssh: shard K of N (`grader batch --shard K/N`, every
# N-th submission) runs on one of the hosts, its work folder comes back as a tar without
# its builds, and the shards are merged here into the gradebook and reports one machine
# would have written (harness/README.md, "Batch grading", "A class on many machines").
#
#   templates/batch-shards/parallel-ssh.sh N HOSTS
#   SUBMISSIONS=~/class templates/batch-shards/parallel-ssh.sh 3 grader1,grader2,grader3
#
# HOSTS is parallel's --sshlogin: `grader1,grader2,grader3` (`2/grader1` runs 2 shards
# there at once; `:` is this machine). Every host has the course, built (`make`), at the
# path it has here (COURSE, default: this course), and the class at SUBMISSIONS (one folder
# per student), the same on every host. Settings, from the environment: SUBMISSIONS
# (required), COURSE, OUT (default: COURSE/build/shards: each shard's tar and folder, the
# merge in OUT/merged), GRADER_ARGS (more options for every shard: --lab 01 --jobs 2 ...),
# GRADER (default: COURSE/build/bin/grader, at that path on every host).
set -euo pipefail
shards=${1:?usage: parallel-ssh.sh N HOSTS}
hosts=${2:?usage: parallel-ssh.sh N HOSTS}
course=${COURSE:-$(cd "$(dirname "$0")/../.." && pwd)}
submissions=${SUBMISSIONS:?the class: one folder per student, at the same path on every host}
out=${OUT:-$course/build/shards}
grader=${GRADER:-$course/build/bin/grader}
mkdir -p "$out"
cd "$out"
# One shard, on a host: its work folder in OUT/shard-K there, then shard-K.tar (without
# the builds) in the job's folder, which --return brings back here. `{}` is parallel's K.
quoted_out=$(printf %q "$out")
shard_command="$(printf '%q ' "$grader" batch --course "$course" \
  --submissions "$submissions" ${GRADER_ARGS:-})--shard {}/$shards --work $quoted_out/shard-{}"
pack_command="tar -C $quoted_out/shard-{} --exclude='.slot-*' --exclude=.compile-cache -cf shard-{}.tar ."
seq "$shards" | parallel --sshlogin "$hosts" --jobs 1 --workdir . --return shard-{}.tar \
  --cleanup --halt now,fail=1 "$shard_command && $pack_command"
folders=()
for k in $(seq "$shards"); do
  rm -rf "returned/shard-$k" && mkdir -p "returned/shard-$k"
  tar -C "returned/shard-$k" -xf "shard-$k.tar"
  folders+=("returned/shard-$k")
done
"$grader" merge --work "$out/merged" "${folders[@]}"
