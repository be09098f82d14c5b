-- Argo CD health check for schemagate.dev/AppDeployment.
--
-- Healthy     only when Ready=True and status.observedGeneration == metadata.generation:
--             the operator has seen the current spec and its revision is migrated, verified
--             and available. A Ready=True written for an older generation does not count.
-- Degraded    Stalled=True: a human is needed (failed migration, half-built schema, missing
--             Secret or key, invalid spec); the message is the condition's.
-- Suspended   spec.suspend is true: the operator changes nothing; or Ready=False RolloutHeld:
--             the revision is migrated and verified, its rollout held (spec.rollout.hold).
-- Progressing everything else: no status yet, a status of an older generation, migrating,
--             verifying (also while the database does not answer), rolling out.
-- While Progressing or Degraded, a message ends with what still serves when the Available
-- condition is True (the previous revision during an upgrade).
-- Only the base library is used: without useOpenLibs Argo CD opens no string library.
local hs = {}

local function findCondition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "spec.suspend is true: schemagate changes nothing"
  return hs
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for schemagate to report status"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for schemagate to observe generation " .. generation
  return hs
end

local function serving()
  local available = findCondition("Available")
  if available ~= nil and available.status == "True" and available.message ~= nil then
    return " (serving: " .. available.message .. ")"
  end
  return ""
end

local stalled = findCondition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = (stalled.message or stalled.reason or "Stalled") .. serving()
  return hs
end

local ready = findCondition("Ready")
if ready ~= nil and ready.status == "False" and ready.reason == "RolloutHeld" then
  hs.status = "Suspended"
  hs.message = (ready.message or "RolloutHeld") .. serving()
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end

hs.status = "Progressing"
local phase = obj.status.phase or "Pending"
if ready ~= nil and ready.message ~= nil then
  hs.message = phase .. ": " .. ready.message .. serving()
else
  hs.message = phase .. serving()
end
return hs
