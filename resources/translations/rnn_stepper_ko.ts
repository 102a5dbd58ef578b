<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AssumptionNote</name>
    <message>
        <location filename="../../rnn_stepper/ui/assumption_note.py" line="22"/>
        <source>Assumed, not recorded in the file: {0}</source>
        <translation>파일에 기록되지 않아 가정한 것: {0}</translation>
    </message>
</context>
<context>
    <name>BackwardPanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="28"/>
        <source>What is differentiated</source>
        <translation>무엇을 미분하는지</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="34"/>
        <source>class </source>
        <translation>클래스 </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="35"/>
        <source>The right answer for every batch row</source>
        <translation>모든 배치 행의 정답 클래스</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="47"/>
        <source>∂ Step back</source>
        <translation>∂ 한 타임 스텝 뒤로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="48"/>
        <source>Walk one timestep back: all four phases (B)</source>
        <translation>한 타임 스텝 거슬러 올라가기: 네 연산 모두 (B)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="51"/>
        <source>∂ Phase back</source>
        <translation>∂ 한 연산 뒤로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="52"/>
        <source>One phase of the backward step (Shift+B)</source>
        <translation>역전파 한 스텝의 연산 하나 (Shift+B)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="39"/>
        <source>Loss:</source>
        <translation>손실:</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/connectivity_page.py" line="25"/>
        <source>Click h_t[i] to see which inputs it still depends on</source>
        <translation>h_t[i]를 클릭하면 그 값이 아직 어떤 입력에 의존하는지 보여 줍니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/connectivity_page.py" line="33"/>
        <source>unit i = </source>
        <translation>유닛 i = </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/connectivity_page.py" line="36"/>
        <source>Which inputs does h_t[i] depend on?</source>
        <translation>h_t[i]는 어떤 입력에 의존할까?</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="27"/>
        <source> steps</source>
        <translation> 스텝</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="52"/>
        <location filename="../../rnn_stepper/ui/training_page.py" line="37"/>
        <source>Train</source>
        <translation>학습</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="47"/>
        <source>Train:</source>
        <translation>학습:</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="50"/>
        <source>learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_check_page.py" line="17"/>
        <source>gradient</source>
        <translation>그래디언트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_check_page.py" line="18"/>
        <source>by hand = autograd</source>
        <translation>손 계산 = autograd</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_check_page.py" line="19"/>
        <source>max |Δ|</source>
        <translation>최대 |Δ|</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_check_page.py" line="20"/>
        <source>ulps</source>
        <translation>ulp</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="43"/>
        <source>Forgetting</source>
        <translation>망각</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="45"/>
        <source>Check</source>
        <translation>검증</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="50"/>
        <source>Connectivity</source>
        <translation>연결성</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="53"/>
        <source>∂L/∂W_hh</source>
        <translation>∂L/∂W_hh</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="45"/>
        <source>Every gradient by hand beside what loss.backward() leaves in .grad</source>
        <translation>손으로 계산한 모든 그래디언트를 loss.backward()가 .grad에 남긴 값과 나란히</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="47"/>
        <source>Autograd computes ∂L/∂W_ih in one product over every step once the walk back is done: it appears whole at the end</source>
        <translation>autograd는 거슬러 가기가 끝난 뒤 모든 스텝에 대한 행렬곱 하나로 ∂L/∂W_ih를 계산합니다: 끝에서 한꺼번에 나타납니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="50"/>
        <source>‖∂h_t[i]/∂x_k‖: which inputs a hidden unit still depends on</source>
        <translation>‖∂h_t[i]/∂x_k‖: 은닉 유닛이 아직 어떤 입력에 의존하는가</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="53"/>
        <source>A gated cell&apos;s ∂L/∂W_hh, summed step by step back</source>
        <translation>게이트 셀의 ∂L/∂W_hh, 한 스텝씩 거슬러 가며 더함</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="68"/>
        <source>L = Σ h_n</source>
        <translation>L = Σ h_n</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="65"/>
        <source>L = MSE(output, x_{t+1})</source>
        <translation>L = MSE(출력, x_{t+1})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="43"/>
        <source>∂ Compute</source>
        <translation>∂ 계산</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="44"/>
        <source>Compute the gradients of the loss: by hand and with loss.backward()</source>
        <translation>손실의 그래디언트를 계산합니다: 손으로, 그리고 loss.backward()로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="59"/>
        <source>L = MSE({0}(output), x_{{t+1}})</source>
        <translation>L = MSE({0}(출력), x_{{t+1}})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="61"/>
        <source>The mean squared error of the head {0}&apos;s prediction against the input one step ahead: predict the next input, as the model was trained to</source>
        <translation>헤드 {0}의 예측과 한 스텝 뒤 입력 사이의 평균 제곱 오차: 모델이 학습한 대로 다음 입력을 예측합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="66"/>
        <source>The mean squared error of the output against the input shifted one step: predict the next input</source>
        <translation>한 스텝 뒤의 입력에 대한 출력의 평균 제곱 오차: 다음 입력을 예측합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="75"/>
        <source>L = CE({0}(h_n[-1]))</source>
        <translation>L = CE({0}(h_n[-1]))</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="77"/>
        <source>Cross-entropy of the checkpoint&apos;s head {0} against the class chosen beside</source>
        <translation>체크포인트의 출력층 {0}과 옆에서 고른 클래스 사이의 교차 엔트로피</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="80"/>
        <source>L = MSE(output, {0})</source>
        <translation>L = MSE(출력, {0})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="81"/>
        <source>L = MSE(output, target from a file…)</source>
        <translation>L = MSE(출력, 파일의 목표값…)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="82"/>
        <source>The mean squared error against a target sequence you choose: .csv (one timestep a row), .npy or .json, shaped as the output</source>
        <translation>직접 고른 목표 시퀀스에 대한 평균 제곱 오차: .csv(한 행에 타임 스텝 하나), .npy 또는 .json, 출력과 같은 모양</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="107"/>
        <source>Target sequence</source>
        <translation>목표 시퀀스</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="108"/>
        <source>Arrays (*.csv *.txt *.npy *.json);;All files (*)</source>
        <translation>배열 (*.csv *.txt *.npy *.json);;모든 파일 (*)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="58"/>
        <source>‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ over t (log scale)</source>
        <translation>t에 따른 ‖∂L/∂h_t‖와 ‖∂L/∂c_t‖ (로그 눈금)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="59"/>
        <source>‖∂L/∂h_t‖ over t (log scale)</source>
        <translation>t에 따른 ‖∂L/∂h_t‖ (로그 눈금)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="61"/>
        <source>&lt;span style=&apos;color:{0}&apos;&gt;━ ‖∂L/∂h_t‖&lt;/span&gt;   &lt;span style=&apos;color:{1}&apos;&gt;╍ ‖∂L/∂c_t‖, along the cell state&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{0}&apos;&gt;━ ‖∂L/∂h_t‖&lt;/span&gt;   &lt;span style=&apos;color:{1}&apos;&gt;╍ ‖∂L/∂c_t‖, 셀 상태를 따라&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="131"/>
        <source>Every gradient by hand — the weights&apos;, the biases&apos;, ∂L/∂x{0} — is bitwise identical to what loss.backward() computes through {1}.</source>
        <translation>손으로 구한 모든 그래디언트(가중치, 편향, ∂L/∂x{0})가 {1}을 거친 loss.backward()의 결과와 비트 단위로 같습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="135"/>
        <source>Every gradient is loss.backward()&apos;s, bit for bit.</source>
        <translation>모든 그래디언트가 loss.backward()의 값과 비트 단위로 같습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="138"/>
        <source>Every gradient equals loss.backward()&apos;s through {0} as a number, but not bit for bit: some zeros differ in sign (−0.0 against 0.0).</source>
        <translation>모든 기울기가 {0}을 거친 loss.backward()의 값과 수로는 같지만 비트 단위로는 다릅니다: 몇몇 0의 부호가 다릅니다(−0.0 대 0.0).</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="141"/>
        <source>The textbook&apos;s backward lands up to {0:g} ulp from loss.backward() through {1}: the same sums, grouped and ordered otherwise.</source>
        <translation>교과서 순서의 역전파는 {1}을 거친 loss.backward()와 최대 {0:g} ulp 차이가 납니다. 같은 합을 다르게 묶고 다른 순서로 더하기 때문입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_check_page.py" line="35"/>
        <source>bitwise ✓</source>
        <translation>비트 단위 ✓</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_check_page.py" line="36"/>
        <source>no</source>
        <translation>아니요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_check_page.py" line="36"/>
        <source>no: ±0</source>
        <translation>아니요: ±0</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="81"/>
        <source>The carousel: c_t = f_t ⊙ c_{{t-1}} + i_t ⊙ g_t, so ∂c_t/∂c_{{t-1}} = f_t, elementwise — no W_hh, no squashing. Along the cell state each step back multiplies the gradient by the forget gate alone, so a forget gate near 1 keeps it. Here the mean f_t is {0:.3f}.</source>
        <translation>캐러셀: c_t = f_t ⊙ c_{{t-1}} + i_t ⊙ g_t 이므로 ∂c_t/∂c_{{t-1}} = f_t, 원소별입니다 — W_hh도, 찌그러뜨리는 함수도 없습니다. 셀 상태를 따라 한 스텝 거슬러 갈 때마다 그래디언트에는 망각 게이트만 곱해지므로, 망각 게이트가 1에 가까우면 그래디언트가 유지됩니다. 여기서 f_t의 평균은 {0:.3f}입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="88"/>
        <source>h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{{t-1}}: part of δh_t reaches h_{{t-1}} as δh_t ⊙ z_t, elementwise, past W_hh. An update gate near 1 keeps the gradient. Here the mean z_t is {0:.3f}.</source>
        <translation>h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{{t-1}}: δh_t의 일부는 W_hh를 거치지 않고 원소별로 δh_t ⊙ z_t가 되어 h_{{t-1}}에 닿습니다. 업데이트 게이트가 1에 가까우면 그래디언트가 유지됩니다. 여기서 z_t의 평균은 {0:.3f}입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="97"/>
        <source>ρ(W_hh) is not finite here: no prediction.</source>
        <translation>여기서는 ρ(W_hh)가 유한하지 않아 예측할 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="98"/>
        <source>below 1: the gradient shrinks by about this much per step back and vanishes over a long sequence — early inputs barely teach the weights</source>
        <translation>1보다 작습니다. 그래디언트는 한 스텝 거슬러 갈 때마다 대략 이만큼 줄어 긴 시퀀스에서는 사라집니다. 앞쪽 입력은 가중치를 거의 가르치지 못합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="101"/>
        <source>above 1: the gradient can grow step after step back and explode</source>
        <translation>1보다 큽니다. 그래디언트는 거슬러 갈수록 커져 폭발할 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="103"/>
        <source>near 1: the gradient keeps its size for a while</source>
        <translation>1에 가깝습니다. 그래디언트는 한동안 크기를 유지합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/forgetting_page.py" line="104"/>
        <source>ρ(W_hh) = {0:.3f}, mean {1} = {2:.3f}: their product {3:.3f} is {4}.</source>
        <translation>ρ(W_hh) = {0:.3f}, 평균 {1} = {2:.3f}: 둘의 곱 = {3:.3f}, 즉 {4}.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="166"/>
        <source>Loss = {0}. Step back (B) walks t = {1} … {2}.</source>
        <translation>손실 = {0}. 뒤로(B)를 누르면 t = {1} … {2} 순서로 거슬러 갑니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="246"/>
        <source>the gradient arriving at h_t</source>
        <translation>h_t에 도착하는 그래디언트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="248"/>
        <source>through the nonlinearity</source>
        <translation>비선형 함수를 거쳐</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="250"/>
        <source>the recurrent weights&apos; share</source>
        <translation>순환 가중치의 몫</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_scale.py" line="52"/>
        <source>Every gradient on this page on one colour scale: its sign by hue, its magnitude on a log scale from {0} (full colour) down {1} decades to {2} (white). A gradient that vanishes step by step back pales decade by decade. The numbers in the cells are the true values.</source>
        <translation>이 페이지의 모든 그래디언트는 하나의 색 척도에 그려집니다. 부호는 색상으로, 크기는 로그 척도로 나타냅니다. 가장 진한 색: {0}, 흰색: {2} (로그 눈금 {1}단계). 한 단계 뒤로 갈 때마다 사라지는 그래디언트는 10배마다 한 단계씩 옅어집니다. 칸의 숫자는 실제 값 그대로입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/gradient_scale.py" line="66"/>
        <source>log scale</source>
        <translation>로그 척도</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="374"/>
        <source>(summed back to front, as autograd sums it: on the page ∂L/∂W_hh)</source>
        <translation>(autograd처럼 뒤에서 앞으로 더함: ∂L/∂W_hh 페이지에)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="384"/>
        <source>No h0 was given: the walk back ends here.</source>
        <translation>h0가 주어지지 않았습니다: 거슬러 가기는 여기서 끝납니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="395"/>
        <source>two shares, beside</source>
        <translation>두 몫, 옆에</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="72"/>
        <source>Trained {0} {5} steps: the loss went from {1:.6g} to {2:.6g}; {3} moved most, by up to {4:.3g}</source>
        <translation>{5} {0}스텝을 학습했습니다: 손실 {1:.6g} → {2:.6g}, 가장 많이 움직인 것은 {3} (최대 {4:.3g})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="86"/>
        <source>Loss over the {1} steps ({0} so far)</source>
        <translation>{1} 스텝에 따른 손실 (지금까지 {0})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="304"/>
        <source>∂L/∂W_hh so far</source>
        <translation>지금까지의 ∂L/∂W_hh</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/input_weight_gradient_page.py" line="54"/>
        <source>∂L/∂W_ih</source>
        <translation>∂L/∂W_ih</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="251"/>
        <source>what flows on to the state before</source>
        <translation>이전 상태로 흘러가는 것</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="47"/>
        <source>Gradients</source>
        <translation>그래디언트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/input_weight_gradient_page.py" line="55"/>
        <source>one product over every step, at the walk&apos;s end</source>
        <translation>모든 스텝에 대한 행렬곱 하나, 끝까지 거슬러 간 뒤</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="336"/>
        <source>1 from the loss Σ h_n</source>
        <translation>손실 Σ h_n에서 온 1</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="338"/>
        <source>the loss&apos;s ∂L/∂output_t</source>
        <translation>손실의 ∂L/∂output_t</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="340"/>
        <source>the layer above</source>
        <translation>위 층</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="342"/>
        <source>what flowed back from step {0}</source>
        <translation>스텝 {0}에서 거슬러 흘러온 것</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="221"/>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="378"/>
        <source>(summed back to front, as autograd sums it)</source>
        <translation>(autograd처럼 뒤에서 앞으로 더함)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="29"/>
        <source>Learning rate of the optimizer</source>
        <translation>옵티마이저의 학습률</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="34"/>
        <source>The optimizer each step runs: torch.optim.SGD or torch.optim.Adam, bit for bit</source>
        <translation>각 스텝이 실행하는 옵티마이저: torch.optim.SGD 또는 torch.optim.Adam, 비트 단위로 같음</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="38"/>
        <source>Steps of the optimizer on this loss in the background; every step is torch.optim&apos;s bit for bit (Cancel stops it)</source>
        <translation>이 손실로 옵티마이저 스텝을 백그라운드에서 실행합니다. 모든 스텝이 torch.optim과 비트 단위로 같습니다 (취소로 멈춤)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="42"/>
        <source>training step</source>
        <translation>학습 스텝</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="43"/>
        <source>‖∂L/∂h_t‖ over t (an LSTM&apos;s ‖∂L/∂c_t‖ beside it), and what the weights and gates predict</source>
        <translation>t에 따른 ‖∂L/∂h_t‖ (LSTM은 옆에 ‖∂L/∂c_t‖도), 그리고 가중치와 게이트가 예측하는 것</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/backward_panel.py" line="52"/>
        <source>SGD or Adam steps on the loss, bitwise torch.optim&apos;s</source>
        <translation>손실에 대한 SGD 또는 Adam 스텝, torch.optim과 비트 단위로 같음</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/loss_choice.py" line="69"/>
        <source>The sum of the last hidden state: needs no data, and has no task: training on it only pushes every h toward −1, tanh&apos;s floor</source>
        <translation>마지막 은닉 상태의 합: 데이터가 필요 없지만 풀어야 할 과제도 없습니다. 이 손실로 학습하면 모든 h가 tanh의 바닥인 −1 쪽으로 밀려날 뿐입니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="159"/>
        <source>Backward pass: press ∂ Step back (B) to run the forward pass to its end, compute the gradients and walk back.</source>
        <translation>역전파: ∂ 한 타임 스텝 뒤로(B)를 누르면 순전파를 끝까지 실행하고 그래디언트를 계산한 뒤 거슬러 갑니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="162"/>
        <source>Loss = {0}. ∂ Step back (B) runs the forward pass to its end and walks back.</source>
        <translation>손실 = {0}. ∂ 한 타임 스텝 뒤로(B)는 순전파를 끝까지 실행한 뒤 거슬러 갑니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="169"/>
        <source>Backward, t = {0} (step {1} of {2} back) — phase {3} of {5}: {4}</source>
        <translation>역전파, t = {0} (거슬러 {2}스텝 중 {1}번째) — 연산 {5}개 중 {3}번째: {4}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="394"/>
        <source>the carousel</source>
        <translation>캐러셀</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="239"/>
        <source>The backward pass of {0} is stepped and checked in the kernel order; in the textbook order it is not yet.</source>
        <translation>{0}의 역전파는 커널 순서로 단계별로 보여 주고 검증합니다; 교과서 순서는 아직 아닙니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="241"/>
        <source>The backward pass of {0} is not stepped yet.</source>
        <translation>{0}의 역전파는 아직 단계별로 보여 주지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="247"/>
        <source>the gradient along the cell state</source>
        <translation>셀 상태를 따라가는 그래디언트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="249"/>
        <source>through each gate</source>
        <translation>게이트마다 거쳐</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="286"/>
        <source>at each gate</source>
        <translation>게이트마다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="226"/>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="365"/>
        <source>(each gate&apos;s row beside, at step {0})</source>
        <translation>(옆에 게이트마다 한 행, 스텝 {0})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="380"/>
        <source>so far:</source>
        <translation>지금까지:</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="386"/>
        <source>this step&apos;s share</source>
        <translation>이 스텝의 몫</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/walk_back.py" line="393"/>
        <source>No c0 was given: the cell path ends here.</source>
        <translation>c0가 주어지지 않았습니다: 셀 경로는 여기서 끝납니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/connectivity_page.py" line="65"/>
        <source>output h_t (units × t): click one</source>
        <translation>출력 h_t (유닛 × t): 하나를 클릭하세요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/connectivity_page.py" line="77"/>
        <source>h_{0} is not revealed yet: step the forward pass there first</source>
        <translation>h_{0}는 아직 공개되지 않았습니다: 먼저 순전파를 그 스텝까지 진행하세요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/connectivity_page.py" line="109"/>
        <source>‖∂h_{0}[{1}]/∂x_k‖: how much h_{0}[{1}] still depends on each input</source>
        <translation>‖∂h_{0}[{1}]/∂x_k‖: h_{0}[{1}]이 각 입력에 아직 얼마나 의존하는지</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/training_page.py" line="62"/>
        <source>The learning rate must be a number, e.g. 0.1</source>
        <translation>학습률은 숫자여야 합니다 (예: 0.1)</translation>
    </message>
</context>
<context>
    <name>CallStrip</name>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="70"/>
        <source>Call {0}: x_t = “{1}”, row {2} of the embedding{3}</source>
        <translation>호출 {0}: x_t = “{1}”, 임베딩 표의 행 {2}{3}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="72"/>
        <source> (drawn by the call before)</source>
        <translation> (앞 호출에서 뽑은 문자)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="80"/>
        <source>The character the last call drew: Sample feeds it to the next call</source>
        <translation>마지막 호출에서 뽑은 문자: 샘플을 누르면 다음 호출의 입력이 됩니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="82"/>
        <source>Not drawn yet: Sample draws it from the last call&apos;s probabilities</source>
        <translation>아직 뽑지 않음: 샘플을 누르면 마지막 호출의 확률에서 뽑습니다</translation>
    </message>
</context>
<context>
    <name>Cells</name>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="324"/>
        <source>LSTM only: W_hr projects h down to proj_size units; 0 means none</source>
        <translation>LSTM 전용: W_hr가 h를 proj_size개 유닛으로 투영합니다. 0이면 투영하지 않습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="330"/>
        <source>the notebook&apos;s order</source>
        <translation>노트북의 순서</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="331"/>
        <source>the textbook order adds in a different order than PyTorch&apos;s kernel, so the last bits differ</source>
        <translation>교과서 순서는 PyTorch 커널과 덧셈 순서가 달라 마지막 비트가 다를 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="336"/>
        <source>the paper&apos;s GRU (Cho et al. 2014)</source>
        <translation>논문의 GRU (Cho 외, 2014)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="337"/>
        <source>the paper applies r to h before W_hn and writes h&apos; = (1 − z)·n + z·h; PyTorch applies r to (W_hn h + b_hn), so the two GRUs compute different numbers, not only different last bits</source>
        <translation>논문은 W_hn을 곱하기 전에 r을 h에 적용하고 h&apos; = (1 − z)·n + z·h로 씁니다. PyTorch는 r을 (W_hn h + b_hn)에 적용하므로 두 GRU는 마지막 비트만이 아니라 서로 다른 값을 계산합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="343"/>
        <source>the textbook&apos;s LSTM, one product per term</source>
        <translation>교과서의 LSTM, 항마다 곱 한 번</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="344"/>
        <source>the textbook order adds the products and biases in another order than PyTorch&apos;s kernel, so the last bits differ</source>
        <translation>교과서 순서는 곱과 편향을 PyTorch 커널과 다른 순서로 더하므로 마지막 비트가 다릅니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="95"/>
        <source>input projection</source>
        <translation>입력 투영</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="26"/>
        <source>Input projection: W_ih maps this timestep&apos;s input to three blocks, one each for the reset gate, the update gate and the candidate. PyTorch&apos;s kernel computes it for all timesteps in one matrix product.</source>
        <translation>입력 투영: W_ih가 이 타임 스텝의 입력을 리셋 게이트, 업데이트 게이트, 후보에 하나씩, 세 블록으로 옮깁니다. PyTorch 커널은 모든 타임 스텝을 행렬 곱 한 번으로 계산합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/__init__.py" line="101"/>
        <source>recurrent term</source>
        <translation>순환 항</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="30"/>
        <source>Recurrent term: W_hh maps the previous hidden state to the same three blocks, biases included, in one matrix product.</source>
        <translation>순환 항: W_hh가 이전 은닉 상태를 같은 세 블록으로, 편향까지 포함해 행렬 곱 한 번으로 옮깁니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="32"/>
        <source>reset gate</source>
        <translation>리셋 게이트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="33"/>
        <source>Reset gate: between 0 and 1 per unit, how much of the remembered state the candidate may read.</source>
        <translation>리셋 게이트: 유닛마다 0과 1 사이의 값으로, 후보가 기억된 상태를 얼마나 읽을지 정합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="35"/>
        <source>update gate</source>
        <translation>업데이트 게이트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="36"/>
        <source>Update gate: between 0 and 1 per unit, how much of the old state to keep. Near 1 the unit remembers; near 0 it takes the candidate.</source>
        <translation>업데이트 게이트: 유닛마다 0과 1 사이의 값으로, 이전 상태를 얼마나 남길지 정합니다. 1에 가까우면 기억하고, 0에 가까우면 후보를 받아들입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="38"/>
        <source>candidate</source>
        <translation>후보</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="40"/>
        <source>Candidate: PyTorch&apos;s GRU multiplies the reset gate into W_hn h + b_hn, bias included, after the product. The paper applies it to h before.</source>
        <translation>후보: PyTorch의 GRU는 리셋 게이트를 곱셈 뒤의 W_hn h + b_hn에 편향까지 포함해 곱합니다. 논문은 곱하기 전에 h에 적용합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="44"/>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="60"/>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="66"/>
        <location filename="../../rnn_stepper/core/cells/rnn.py" line="40"/>
        <source>new hidden state</source>
        <translation>새 은닉 상태</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/gru.py" line="46"/>
        <source>New hidden state: a mix of the old state and the candidate, unit by unit, weighted by the update gate. PyTorch writes (1 − z)·n + z·h as (h − n)·z + n.</source>
        <translation>새 은닉 상태: 이전 상태와 후보를 유닛마다 업데이트 게이트의 비율로 섞은 값입니다. PyTorch는 (1 − z)·n + z·h를 (h − n)·z + n으로 씁니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="31"/>
        <source>Input projection: W_ih maps this timestep&apos;s input to four blocks, one per gate (i, f, g, o). PyTorch&apos;s kernel computes it for all timesteps in one matrix product.</source>
        <translation>입력 투영: W_ih가 이 타임 스텝의 입력을 게이트마다 하나씩(i, f, g, o) 네 블록으로 옮깁니다. PyTorch 커널은 모든 타임 스텝을 행렬 곱 한 번으로 계산합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="35"/>
        <source>Recurrent term: W_hh maps the previous hidden state to the same four blocks, biases included, in one matrix product. The kernel then adds a_t to all four at once.</source>
        <translation>순환 항: W_hh가 이전 은닉 상태를 같은 네 블록으로, 편향까지 포함해 행렬 곱 한 번으로 옮깁니다. 그다음 커널은 네 블록 모두에 a_t를 한꺼번에 더합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="38"/>
        <source>input gate</source>
        <translation>입력 게이트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="39"/>
        <source>Input gate: between 0 and 1 per unit, how much of the candidate to write into the cell.</source>
        <translation>입력 게이트: 유닛마다 0과 1 사이의 값으로, 후보를 셀에 얼마나 쓸지 정합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="41"/>
        <source>forget gate</source>
        <translation>망각 게이트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="42"/>
        <source>Forget gate: between 0 and 1 per unit, how much of the old cell state to keep. Near 1 for many steps, the cell remembers over long spans.</source>
        <translation>망각 게이트: 유닛마다 0과 1 사이의 값으로, 이전 셀 상태를 얼마나 남길지 정합니다. 여러 스텝 동안 1에 가까우면 셀은 긴 구간에 걸쳐 기억합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="44"/>
        <source>cell candidate</source>
        <translation>셀 후보</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="45"/>
        <source>Cell candidate: what could be written into the cell, squashed into (-1, 1).</source>
        <translation>셀 후보: 셀에 쓰일 수 있는 값을 (-1, 1) 안으로 눌러 담은 것입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="47"/>
        <source>output gate</source>
        <translation>출력 게이트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="48"/>
        <source>Output gate: between 0 and 1 per unit, how much of the cell shows in the hidden state.</source>
        <translation>출력 게이트: 유닛마다 0과 1 사이의 값으로, 셀이 은닉 상태에 얼마나 드러날지 정합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="50"/>
        <source>cell state</source>
        <translation>셀 상태</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="52"/>
        <source>Cell state: the old cell, scaled by the forget gate, plus the candidate, scaled by the input gate. Only additions and gates touch it, which is why an LSTM can carry a memory across many steps.</source>
        <translation>셀 상태: 망각 게이트로 줄인 이전 셀에 입력 게이트로 줄인 후보를 더합니다. 덧셈과 게이트만 셀을 건드리기 때문에 LSTM은 여러 스텝에 걸쳐 기억을 이어 갈 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="56"/>
        <source>New hidden state: the cell squashed by tanh and scaled by the output gate. It is this step&apos;s output and, with c, the memory for the next.</source>
        <translation>새 은닉 상태: tanh로 눌러 담은 셀을 출력 게이트로 줄인 값입니다. 이 스텝의 출력이자, c와 함께 다음 스텝의 기억입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="64"/>
        <source>unprojected hidden state</source>
        <translation>투영 전 은닉 상태</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/lstm.py" line="68"/>
        <source>Projection: with proj_size, W_hr maps the hidden state down to proj_size units. The projected h is the output and what W_hh reads at the next step.</source>
        <translation>투영: proj_size가 있으면 W_hr가 은닉 상태를 proj_size개의 유닛으로 줄입니다. 투영된 h가 출력이며 다음 스텝에서 W_hh가 읽는 값입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/rnn.py" line="27"/>
        <source>Input projection: W_ih (the textbook&apos;s W_xh) maps this timestep&apos;s input into the hidden space. It needs no earlier state, so PyTorch&apos;s kernel computes it for all timesteps in one matrix product before the loop.</source>
        <translation>입력 투영: W_ih(교과서의 W_xh)가 이 타임 스텝의 입력을 은닉 공간으로 옮깁니다. 이전 상태가 필요 없으므로 PyTorch 커널은 반복문 전에 모든 타임 스텝을 행렬 곱 한 번으로 계산합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/rnn.py" line="31"/>
        <source>Recurrent term: W_hh carries the previous hidden state forward — the network&apos;s memory. At the first step the previous state is h0 (zeros unless given).</source>
        <translation>순환 항: W_hh가 이전 은닉 상태를 이어 받습니다 — 네트워크의 기억입니다. 첫 스텝의 이전 상태는 h0입니다 (주지 않으면 0).</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/rnn.py" line="34"/>
        <source>pre-activation</source>
        <translation>활성화 전 값</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/rnn.py" line="36"/>
        <source>Pre-activation: the sum mixes what the input says now with what the state remembers.</source>
        <translation>활성화 전 값: 지금 입력이 말하는 것과 상태가 기억하는 것을 더합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/rnn.py" line="42"/>
        <source>The nonlinearity squashes the sum into (-1, 1): the new hidden state is this step&apos;s output and the memory for the next.</source>
        <translation>비선형 함수가 합을 (-1, 1) 안으로 눌러 담습니다: 새 은닉 상태는 이 스텝의 출력이자 다음 스텝의 기억입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/cells/rnn.py" line="44"/>
        <source>ReLU keeps the positive part of the sum: the new hidden state is this step&apos;s output and the memory for the next. Nothing bounds it from above.</source>
        <translation>ReLU는 합의 양수 부분만 남깁니다: 새 은닉 상태는 이 스텝의 출력이자 다음 스텝의 기억입니다. 위쪽 한계는 없습니다.</translation>
    </message>
</context>
<context>
    <name>ClassifierWindow</name>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="213"/>
        <source>Reset</source>
        <translation>처음으로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="213"/>
        <source>Back to before the first step</source>
        <translation>첫 스텝 이전으로 돌아갑니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="214"/>
        <source>◀ Back</source>
        <translation>◀ 뒤로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="214"/>
        <source>One timestep back (Backspace)</source>
        <translation>한 타임스텝 뒤로 (Backspace)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="215"/>
        <source>◁ Phase</source>
        <translation>◁ 연산</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="215"/>
        <source>One phase back (Shift+←)</source>
        <translation>한 단계 뒤로 (Shift+←)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="216"/>
        <source>Phase ▷</source>
        <translation>연산 ▷</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="216"/>
        <source>One phase on (Shift+→)</source>
        <translation>한 단계 앞으로 (Shift+→)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="217"/>
        <source>Step ▶</source>
        <translation>타임 스텝 ▶</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="217"/>
        <source>The next timestep of the packed batch (Space)</source>
        <translation>패킹된 배치의 다음 타임스텝 (Space)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="218"/>
        <source>Run to end</source>
        <translation>끝까지</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="218"/>
        <source>Every timestep: each review&apos;s last hidden state reaches the head</source>
        <translation>모든 타임스텝: 각 리뷰의 마지막 은닉 상태가 헤드에 도달합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="258"/>
        <source>{0} reviews packed by their lengths {1} (pack_padded_sequence, enforce_sorted=False): the batch shrinks as reviews end, and the head reads each review&apos;s last real hidden state.</source>
        <translation>리뷰 {0}개를 길이 {1}로 패킹했습니다 (pack_padded_sequence, enforce_sorted=False): 리뷰가 끝날 때마다 배치가 줄고, 헤드는 각 리뷰의 마지막 실제 은닉 상태를 읽습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="264"/>
        <source>Review {0}, t = {1}: the review has ended after {2} words; {3} of {4} reviews running at this step</source>
        <translation>리뷰 {0}, t = {1}: 이 리뷰는 단어 {2}개로 끝났습니다. 이 스텝에서 진행 중인 리뷰: {4}개 중 {3}개</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="267"/>
        <source>Review {0}, t = {1}: x_t = “{2}”; {3} of {4} reviews running at this step</source>
        <translation>리뷰 {0}, t = {1}: x_t = “{2}”. 이 스텝에서 진행 중인 리뷰: {4}개 중 {3}개</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="272"/>
        <source>every stage bitwise equal to the model&apos;s own modules (nn.Embedding, the packed {0}, nn.Linear, the activations)</source>
        <translation>모든 단계가 모델 자신의 모듈(nn.Embedding, 패킹된 {0}, nn.Linear, 활성화 함수)과 비트 단위로 같습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="274"/>
        <source>stages differing from the model&apos;s own modules: {0}</source>
        <translation>모델 자신의 모듈과 다른 단계: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="277"/>
        <source>your model itself: {0}</source>
        <translation>모델 자체: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="280"/>
        <source>your PyTorch would run oneDNN&apos;s fused kernel here: {0:g} ulp away</source>
        <translation>이 PyTorch는 여기서 oneDNN의 융합 커널을 실행합니다: {0:g} ulp 차이</translation>
    </message>
</context>
<context>
    <name>ComparisonPanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="277"/>
        <source>ε ({0}) = {1:.3g}</source>
        <translation>ε ({0}) = {1:.3g}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="285"/>
        <source>Follow units (at most {0}, of 0–{1}):</source>
        <translation>따라갈 유닛 (최대 {0}개, 0–{1} 중):</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="287"/>
        <source>Unit numbers separated by commas, ranges as 3-6; or click a unit&apos;s number beside the h heatmap to add or remove it</source>
        <translation>유닛 번호를 쉼표로 구분하고 범위는 3-6처럼 적습니다. 또는 h 히트맵 옆의 유닛 번호를 클릭해 추가하거나 뺍니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="293"/>
        <source>{0}, native path</source>
        <translation>{0}, 네이티브 경로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="294"/>
        <source>● by hand, — {0}</source>
        <translation>● 수동 계산, — {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="295"/>
        <source>pale line by hand, dark line {0}</source>
        <translation>옅은 선: 수동 계산, 진한 선: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="296"/>
        <source>Hidden state h_t over t: </source>
        <translation>타임 스텝별 은닉 상태 h_t: </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="297"/>
        <source>|by hand − {0}| per step (log scale)</source>
        <translation>스텝별 |수동 − {0}| (로그 눈금)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="298"/>
        <source>|by hand − native| ● and |by hand − fused| ■ per step (log scale)</source>
        <translation>스텝별 |수동 − 네이티브| ● 와 |수동 − 융합| ■ (로그 눈금)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="302"/>
        <source>by hand</source>
        <translation>수동 계산</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="302"/>
        <source>ulp</source>
        <translation>ulp</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="401"/>
        <source>|Δ| per step</source>
        <translation>스텝별 |Δ|</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="402"/>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="414"/>
        <source>This step, unit by unit</source>
        <translation>이 스텝, 유닛별</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="414"/>
        <source>This step</source>
        <translation>이 스텝</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="437"/>
        <source>Two references. {0}&apos;s native path (oneDNN off) runs the step-by-step cell: the hand pass equals it bit for bit. By default your PyTorch computes this {1} with oneDNN&apos;s fused kernel ({2}); its bits differ from the step-by-step cell.</source>
        <translation>기준이 둘입니다. {0} 모듈의 네이티브 경로(oneDNN 끔)는 셀을 한 단계씩 계산하며, 수동 계산은 이것과 비트 단위로 일치합니다. 기본 설정에서 여러분의 PyTorch는 이 {1} 모듈을 oneDNN의 융합 커널({2})로 계산합니다. 그 비트는 단계별 셀과 다릅니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="442"/>
        <source>For this input they happen to agree: 0 ulp.</source>
        <translation>이 입력에서는 우연히 일치합니다: 0 ulp.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="443"/>
        <source>Here by up to {0:.0f} ulp (|Δ| ≤ {1:.3g}).</source>
        <translation>여기서는 최대 {0:.0f} ulp 차이입니다 (|Δ| ≤ {1:.3g}).</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="482"/>
        <source>Step to compare with {0}</source>
        <translation>타임 스텝을 진행하면 {0} 모듈과 비교합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="484"/>
        <source>equal values, but a zero&apos;s sign differs (−0.0 against 0.0)</source>
        <translation>값은 같지만 0의 부호가 다릅니다(−0.0 대 0.0)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="488"/>
        <source>bitwise identical to the native path at all {0} steps</source>
        <translation>네이티브 경로와 비트 단위로 일치: {0}개 스텝 모두</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="489"/>
        <source>bitwise identical at all {0} steps</source>
        <translation>비트 단위로 일치: {0}개 스텝 모두</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="491"/>
        <source>bitwise identical to the native path so far: {0} of {1} steps revealed</source>
        <translation>지금까지 네이티브 경로와 비트 단위로 일치: {1}개 스텝 중 {0}개 공개</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="492"/>
        <source>bitwise identical so far: {0} of {1} steps revealed</source>
        <translation>지금까지 비트 단위로 일치: {1}개 스텝 중 {0}개 공개</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="534"/>
        <source>h_t per unit, once a step is computed</source>
        <translation>유닛별 h_t (스텝을 계산하면 표시)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="538"/>
        <source>Sequence {0} ended before t = {1}: no h_{1}</source>
        <translation>시퀀스 {0}: t = {1} 전에 끝났습니다 (h_{1} 없음)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="541"/>
        <source>h_{0} per unit</source>
        <translation>유닛별 h_{0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="543"/>
        <source>(h_{0} not yet revealed)</source>
        <translation>(h_{0}는 아직 공개되지 않음)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="586"/>
        <source>One ulp is the gap from a {0} to the next; it shrinks with the number: ε = {1:.3g} at 1.0, {3:.3g} at {2:.3g}. So {4:.0f} ulp at h_{5}[{6}] = {2:.3g} is an absolute difference of only {7:.3g}.</source>
        <translation>1 ulp는 한 {0}에서 바로 다음 {0}까지의 간격이며, 수가 작을수록 작아집니다: 1.0에서는 ε = {1:.3g}, {2:.3g}에서는 {3:.3g}. 그래서 h_{5}[{6}] = {2:.3g}에서의 {4:.0f} ulp는 절대 차이로 {7:.3g}에 불과합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/comparison_panel.py" line="646"/>
        <source>t = {0}, unit h[{1}]
by hand: {2}
{3}: {4}
|Δ| = {5:.3g} = {6:.0f} ulp</source>
        <translation>t = {0}, 유닛 h[{1}]
수동 계산: {2}
{3}: {4}
|Δ| = {5:.3g} = {6:.0f} ulp</translation>
    </message>
</context>
<context>
    <name>ConfigPanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="73"/>
        <source>Hidden units (hidden_size)</source>
        <translation>은닉 유닛 수 (hidden_size)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="74"/>
        <source>Stacked layers; layer l reads layer l-1&apos;s outputs</source>
        <translation>쌓은 층 수. l층은 l-1층의 출력을 입력으로 받습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="78"/>
        <source>bias (b_ih, b_hh)</source>
        <translation>편향 (b_ih, b_hh)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="79"/>
        <source>bidirectional</source>
        <translation>양방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="80"/>
        <source>batch_first</source>
        <translation>batch_first</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="87"/>
        <source>The torch module whose forward pass is stepped; a new cell type draws new weights from the seed</source>
        <translation>순전파를 한 단계씩 살펴볼 torch 모듈. 셀 종류를 바꾸면 시드로 가중치를 새로 뽑습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="171"/>
        <source>Features per timestep ({0}&apos;s input_size)</source>
        <translation>타임 스텝당 특성 수 ({0} 모듈의 input_size)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="172"/>
        <source>torch.manual_seed before {0} draws its weights</source>
        <translation>{0} 모듈이 가중치를 뽑기 전에 호출하는 torch.manual_seed</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="174"/>
        <source>kernel: PyTorch&apos;s own order of operations, bitwise equal to {0}&apos;s step-by-step cell on any CPU
textbook: {1}; how far it lands from {0} is measured on this machine</source>
        <translation>kernel: PyTorch 자체의 연산 순서로, 어느 CPU에서나 {0} 모듈의 단계별 셀과 비트 단위로 같습니다
textbook: {1}. {0} 모듈과의 차이는 이 컴퓨터에서 측정합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="177"/>
        <source>The textbook order computes {0}: {1}.</source>
        <translation>교과서 순서로 계산하는 것: {0}. {1}.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="179"/>
        <source>dropout is left out: it only acts in training mode, and the stepper evaluates {0} in eval mode.</source>
        <translation>dropout은 학습 모드에서만 작동하므로 뺐습니다. 이 프로그램은 {0} 모듈을 평가 모드로 실행합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="96"/>
        <source>bias=False drops b_ih and b_hh</source>
        <translation>bias=False이면 b_ih와 b_hh가 없습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="97"/>
        <source>Add a reverse cell per layer that walks t = T-1 … 0</source>
        <translation>층마다 t = T-1 … 0 순서로 도는 역방향 셀을 추가합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="98"/>
        <source>Input laid out (batch, T, features) instead of (T, batch, …)</source>
        <translation>입력을 (T, 배치, …) 대신 (배치, T, 특성) 모양으로 둡니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="99"/>
        <source>cell</source>
        <translation>셀</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="101"/>
        <source>seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="101"/>
        <source>order</source>
        <translation>연산 순서</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="191"/>
        <source>input_size {0} → {1}: the input&apos;s columns were cut, the weights drawn anew</source>
        <translation>input_size {0} → {1}: 입력의 열을 잘라 냈고 가중치를 새로 뽑았습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="193"/>
        <source>input_size {0} → {1}: the input&apos;s columns were padded with zeros, the weights drawn anew</source>
        <translation>input_size {0} → {1}: 입력의 열을 0으로 채웠고 가중치를 새로 뽑았습니다</translation>
    </message>
</context>
<context>
    <name>CrashGuard</name>
    <message>
        <location filename="../../rnn_stepper/ui/crash.py" line="46"/>
        <source>The details are in {0}.</source>
        <translation>자세한 내용은 {0}에 있습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/crash.py" line="48"/>
        <source>The details could not be written to a log file.</source>
        <translation>자세한 내용을 로그 파일에 쓰지 못했습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/crash.py" line="49"/>
        <source>Something unexpected went wrong: {0}: {1}

The session you were working on was kept, and you can go on or save it. {2}</source>
        <translation>예상하지 못한 오류가 났습니다: {0}: {1}

작업 중이던 세션은 그대로 남아 있으니 계속하거나 저장할 수 있습니다. {2}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/crash.py" line="55"/>
        <source>Unexpected error</source>
        <translation>예상하지 못한 오류</translation>
    </message>
</context>
<context>
    <name>EmbeddingView</name>
    <message>
        <location filename="../../rnn_stepper/ui/embedding_view.py" line="48"/>
        <source>embedding dimension</source>
        <translation>임베딩 차원</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/embedding_view.py" line="72"/>
        <source>Embedding E ({0} × {1}): no row, the sequence has ended</source>
        <translation>임베딩 E ({0} × {1}): 시퀀스가 끝나 읽는 행이 없습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/embedding_view.py" line="76"/>
        <source>Embedding E ({0} × {1}): row {2}, “{3}”, is x_t</source>
        <translation>임베딩 E ({0} × {1}): 행 {2} “{3}” = x_t</translation>
    </message>
</context>
<context>
    <name>Explain</name>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="147"/>
        <source>{0} is NaN (not a number): a NaN in what it reads, Inf − Inf or 0 × Inf made it, and every sum and product after it stays NaN.</source>
        <translation>NaN(숫자가 아님): {0}. 읽어 들인 값의 NaN, Inf − Inf 또는 0 × Inf에서 생겼고, 그 뒤의 모든 합과 곱도 NaN입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="149"/>
        <source>{0} is +Inf: a number past the largest float, or an Inf in what it reads.</source>
        <translation>+Inf: {0}. 가장 큰 부동소수점 수를 넘었거나, 읽어 들인 값에 Inf가 있습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="150"/>
        <source>{0} is −Inf: a number past the most negative float, or a −Inf in what it reads.</source>
        <translation>−Inf: {0}. 가장 작은(음의) 부동소수점 수를 넘었거나, 읽어 들인 값에 −Inf가 있습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="136"/>
        <source>exact sum = {0}</source>
        <translation>정확한 합 = {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="137"/>
        <source>correctly rounded to {0}: {1}</source>
        <translation>올바르게 반올림한 {0} 값: {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="138"/>
        <source>the matrix product returned: {0} ({1} ulp from the exact sum)</source>
        <translation>행렬 곱이 돌려준 값: {0} (정확한 합과 {1} ulp 차이)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="139"/>
        <source>A BLAS library adds up a dot product in an order of its own, which cannot be observed; only its result can.</source>
        <translation>BLAS 라이브러리는 내적을 자기만의 순서로 더하며, 그 순서는 관찰할 수 없습니다. 관찰할 수 있는 것은 결과뿐입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="141"/>
        <source>the textbook order&apos;s sum returned: {0} ({1} ulp from the exact sum)</source>
        <translation>교과서 순서의 합이 돌려준 값: {0} (정확한 합과 {1} ulp 차이)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="142"/>
        <source>It rounds the matrix product to {0} before adding it, and rounds again at each addition after it.</source>
        <translation>행렬 곱을 더하기 전에 {0} 정밀도로 반올림하고, 그 뒤의 덧셈마다 다시 반올림합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="144"/>
        <source>in float64: {0}, rounded to {1}: {2}</source>
        <translation>float64 값: {0}, {1} 정밀도로 반올림: {2}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/core/explain.py" line="145"/>
        <source>the trace holds: {0} ({1} ulp from it)</source>
        <translation>트레이스의 값: {0} (그 값과 {1} ulp 차이)</translation>
    </message>
</context>
<context>
    <name>ExplainPanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="42"/>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="43"/>
        <source>Copy this breakdown as text (Ctrl+C)</source>
        <translation>이 계산 과정을 텍스트로 복사 (Ctrl+C)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="45"/>
        <source>LaTeX</source>
        <translation>LaTeX</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="46"/>
        <source>Copy this breakdown as a LaTeX aligned block</source>
        <translation>이 계산 과정을 LaTeX aligned 블록으로 복사</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="49"/>
        <source>Close the breakdown and show the equation again (Esc)</source>
        <translation>계산 과정을 닫고 식을 다시 보기 (Esc)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="104"/>
        <source>{0} ulp from the exact sum</source>
        <translation>정확한 합과 {0} ulp 차이</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="105"/>
        <source>{0} ulp from float64</source>
        <translation>float64와 {0} ulp 차이</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="106"/>
        <source>Where {0} comes from: {1}</source>
        <translation>{0}의 계산 과정: {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="107"/>
        <source>layer {0}, {1}, batch row {2}</source>
        <translation>층 {0}, {1}, 배치 행 {2}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="108"/>
        <source>reverse</source>
        <translation>역방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/explain_panel.py" line="108"/>
        <source>forward</source>
        <translation>정방향</translation>
    </message>
</context>
<context>
    <name>Exports</name>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="92"/>
        <source>Step first: there is no equation on show yet.</source>
        <translation>먼저 타임 스텝을 진행하세요. 아직 표시된 식이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="96"/>
        <source>Copied the equation as LaTeX.</source>
        <translation>식을 LaTeX로 복사했습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="103"/>
        <source>Could not write {0}: {1}</source>
        <translation>쓸 수 없습니다: {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="105"/>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="107"/>
        <source>Exported {0}</source>
        <translation>내보냈습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="117"/>
        <source>Export the comparison plot</source>
        <translation>비교 그래프 내보내기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="122"/>
        <source>Export the trace</source>
        <translation>트레이스 내보내기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="128"/>
        <source>Slide size</source>
        <translation>슬라이드 크기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="128"/>
        <source>Size:</source>
        <translation>크기:</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="132"/>
        <source>Export a slide</source>
        <translation>슬라이드 내보내기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="137"/>
        <source>Export a Python snippet</source>
        <translation>파이썬 코드 내보내기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/exports.py" line="137"/>
        <source>Python (*.py)</source>
        <translation>파이썬 (*.py)</translation>
    </message>
</context>
<context>
    <name>GuessRow</name>
    <message>
        <location filename="../../rnn_stepper/ui/guess_row.py" line="80"/>
        <source>Type a guess for h[{0}] and press Enter</source>
        <translation>h[{0}]의 추측값을 입력하고 Enter를 누르세요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/guess_row.py" line="81"/>
        <source>Type a guess for each of the {0} units of h_t, apart by spaces, and press Enter</source>
        <translation>h_t의 유닛 {0}개 각각의 추측값을 공백으로 구분해 입력하고 Enter를 누르세요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/guess_row.py" line="149"/>
        <source>Guess h_t, then click Step to reveal it</source>
        <translation>h_t를 추측한 뒤 타임 스텝을 눌러 확인하세요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/guess_row.py" line="150"/>
        <source>Your guess beside h_t</source>
        <translation>추측값과 실제 h_t</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/guess_row.py" line="154"/>
        <source>guess</source>
        <translation>추측</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/guess_row.py" line="154"/>
        <source>error</source>
        <translation>오차</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/guess_row.py" line="162"/>
        <source>… {0} guesses in all; the largest |error| is {1}</source>
        <translation>… 추측값 모두 {0}개, 가장 큰 |오차|는 {1}</translation>
    </message>
</context>
<context>
    <name>HeadPanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="160"/>
        <source>[{0}, …] ({1} values)</source>
        <translation>[{0}, …] (값 {1}개)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="167"/>
        <source>The head, review {0}: {1}</source>
        <translation>헤드, 리뷰 {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="173"/>
        <source>The head reads review {0}&apos;s last real hidden state, h at t = {1} in the last layer: step there (Run to end) to see it.</source>
        <translation>헤드는 리뷰 {0}의 마지막 실제 은닉 상태, 마지막 층의 t = {1}의 h를 읽습니다. 보려면 그 스텝까지 진행하세요 (끝까지 실행).</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="185"/>
        <source>review {0}</source>
        <translation>리뷰 {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="196"/>
        <source>output ({0})</source>
        <translation>출력 ({0})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="198"/>
        <source>Every review&apos;s output, once its last step is revealed</source>
        <translation>마지막 스텝이 공개된 리뷰마다의 출력</translation>
    </message>
</context>
<context>
    <name>HeadView</name>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="109"/>
        <source>probability</source>
        <translation>확률</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="139"/>
        <source>logits × {0}</source>
        <translation>logits × {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="140"/>
        <source>logits / {0}</source>
        <translation>logits / {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="141"/>
        <source>Next character after call {0}: softmax({1}), the top {2}</source>
        <translation>호출 {0} 다음 문자: softmax({1}), 상위 {2}개</translation>
    </message>
</context>
<context>
    <name>InputEditor</name>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="295"/>
        <source>Double-click a cell to type a number</source>
        <translation>셀을 두 번 클릭해 숫자를 입력하세요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="301"/>
        <source>Add row</source>
        <translation>행 추가</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="302"/>
        <source>Append a timestep (zeros)</source>
        <translation>타임 스텝을 끝에 추가합니다 (0으로 채움)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="304"/>
        <source>Remove row</source>
        <translation>행 삭제</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="305"/>
        <source>Remove the selected timestep (or the last)</source>
        <translation>선택한 타임 스텝(없으면 마지막)을 삭제합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="308"/>
        <source>Notebook ramp: 1s, 2s, 3s …</source>
        <translation>노트북 예제: 1, 2, 3 …</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="309"/>
        <source>Sine wave</source>
        <translation>사인파</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="310"/>
        <source>Random normal</source>
        <translation>정규분포 난수</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="311"/>
        <source>One-hot characters of a word</source>
        <translation>단어의 글자를 원-핫 인코딩</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="312"/>
        <source>Fill the table with an example sequence</source>
        <translation>예제 시퀀스로 표를 채웁니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="315"/>
        <source>The word to spell one character per timestep</source>
        <translation>타임 스텝마다 한 글자씩 넣을 단어</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="318"/>
        <source>Fill</source>
        <translation>채우기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="319"/>
        <source>Replace the input with the chosen example</source>
        <translation>입력을 선택한 예제로 바꿉니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="353"/>
        <source> (and {0} more)</source>
        <translation> (외 {0}개)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="363"/>
        <source>A sequence needs at least one timestep.</source>
        <translation>시퀀스에는 타임 스텝이 하나 이상 있어야 합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="384"/>
        <source>Type a word to spell, e.g. hello.</source>
        <translation>단어를 입력하세요. 예: hello</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="390"/>
        <source>One-hot &apos;{0}&apos;: columns are {1}</source>
        <translation>원-핫 &apos;{0}&apos;: 열은 {1}</translation>
    </message>
</context>
<context>
    <name>LanguageWindow</name>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="156"/>
        <source>Type a prompt, e.g. The island</source>
        <translation>프롬프트를 입력하세요. 예: The island</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="157"/>
        <source>Fed one character per call, as the book&apos;s sample() feeds it; Enter feeds it</source>
        <translation>책의 sample()처럼 호출마다 한 문자씩 넣습니다. Enter를 누르면 넣습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="159"/>
        <source>Feed</source>
        <translation>넣기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="160"/>
        <source>Feed the prompt from zero states; the characters drawn are dropped</source>
        <translation>영 상태에서 프롬프트를 넣습니다. 뽑은 문자는 버립니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="162"/>
        <source>Sample ▶</source>
        <translation>샘플 ▶</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="163"/>
        <source>Draw the next character from the last call&apos;s probabilities and feed it: the book&apos;s sample() one character further, same seed (S)</source>
        <translation>마지막 호출의 확률에서 다음 문자를 뽑아 넣습니다: 같은 시드로 책의 sample()을 한 문자 더 실행한 결과입니다 (S)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="173"/>
        <source>scale </source>
        <translation>스케일 </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="173"/>
        <source>temperature </source>
        <translation>온도 </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="174"/>
        <source>The book&apos;s scale_factor: Categorical(logits=logits × scale); larger is surer</source>
        <translation>책의 scale_factor: Categorical(logits=logits × 스케일). 클수록 확신이 커집니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="176"/>
        <source>Categorical(logits=logits / temperature); larger is more random</source>
        <translation>Categorical(logits=logits / 온도). 클수록 더 무작위입니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="181"/>
        <source>seed </source>
        <translation>시드 </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="182"/>
        <source>torch.manual_seed before the first call, as the book&apos;s sample() runs</source>
        <translation>책의 sample()처럼 첫 호출 전에 실행하는 torch.manual_seed</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="186"/>
        <source>Prompt</source>
        <translation>프롬프트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="250"/>
        <source>Not changed: {0}</source>
        <translation>바뀌지 않음: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="271"/>
        <source>The prompt is empty: type at least one character. The calls below are still those of the last prompt fed.</source>
        <translation>프롬프트가 비어 있습니다. 문자를 하나 이상 입력하세요. 아래 호출은 마지막으로 넣은 프롬프트의 것입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="274"/>
        <source>Character {0} of the prompt, “{1}”, is not in the model&apos;s vocabulary of {2} characters: type only characters it knows. The calls below are still those of the last prompt fed.</source>
        <translation>프롬프트의 {0}번째 문자 “{1}”: 모델의 어휘({2}개 문자)에 없는 문자입니다. 어휘에 있는 문자만 입력하세요. 아래 호출은 마지막으로 넣은 프롬프트의 것입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="284"/>
        <source>sample(model, “{0}”, {1}) = “{2}”</source>
        <translation>sample(model, “{0}”, {1}) = “{2}”</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="286"/>
        <source>zeros</source>
        <translation>영 상태</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="286"/>
        <source>call {0}</source>
        <translation>호출 {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="287"/>
        <source>Call {0}: x_t = “{1}”, the cell and the next character</source>
        <translation>호출 {0}: x_t = “{1}”, 셀과 다음 문자</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="289"/>
        <source>Call {0} of {1}: x_t = “{2}” through the {3}; h_t-1 and c_t-1 from {4}</source>
        <translation>호출 {0} / {1}: x_t = “{2}”, 모듈 {3}; h_t-1과 c_t-1의 출처: {4}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="291"/>
        <source>Call {0} of {1}: x_t = “{2}” through the {3}; h_t-1 from {4}</source>
        <translation>호출 {0} / {1}: x_t = “{2}”, 모듈 {3}; h_t-1의 출처: {4}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="295"/>
        <source>every stage of this call is bitwise equal to the model&apos;s own modules</source>
        <translation>이 호출의 모든 단계가 모델 자체 모듈과 비트 단위로 같습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="296"/>
        <source>stages differing from the model&apos;s own modules: {0}</source>
        <translation>모델 자체 모듈과 다른 단계: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/language_window.py" line="298"/>
        <source>drew “{0}” with p = {1}</source>
        <translation>뽑은 문자 “{0}”, p = {1}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="158"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="159"/>
        <source>Stop this computation and keep the session on show (Esc)</source>
        <translation>이 계산을 멈추고 지금 보이는 세션을 그대로 둡니다 (Esc)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/app.py" line="119"/>
        <location filename="../../rnn_stepper/ui/main_window.py" line="208"/>
        <source>Loading PyTorch and computing the notebook&apos;s example…</source>
        <translation>PyTorch를 불러오고 노트북 예제를 계산하는 중…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="235"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="236"/>
        <source>Input</source>
        <translation>입력</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="176"/>
        <location filename="../../rnn_stepper/ui/main_window.py" line="369"/>
        <source>Session</source>
        <translation>세션</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="308"/>
        <source>Full layout: every panel on show</source>
        <translation>전체 레이아웃: 모든 패널을 보여 줍니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="365"/>
        <source>Step</source>
        <translation>타임 스텝</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="365"/>
        <source>The step strip, its equation and the comparison</source>
        <translation>타임 스텝의 벡터 줄, 그 식, 그리고 비교 그래프</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="366"/>
        <source>Weights</source>
        <translation>가중치</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="366"/>
        <source>W_ih, W_hh and the biases; double-click a cell to edit</source>
        <translation>W_ih, W_hh와 편향. 셀을 두 번 클릭하면 값을 고칠 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="367"/>
        <source>Sequence</source>
        <translation>시퀀스</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="369"/>
        <source>The model&apos;s options and the input table</source>
        <translation>모델 옵션과 입력 표</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="372"/>
        <source>{0} {1}</source>
        <translation>{0} {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="373"/>
        <source>{0} (key {1})</source>
        <translation>{0} (키 {1})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="306"/>
        <source>Focus layout: the window is small for its font, so weights, the sequence, the session and the backward pass are behind the tabs (keys 1–5)</source>
        <translation>집중 레이아웃: 창이 글꼴에 비해 작아서 가중치, 시퀀스, 세션, 역전파는 탭 뒤에 있습니다 (키 1–5)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="144"/>
        <source>Assumptions</source>
        <translation>가정</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="149"/>
        <source>Hide this note</source>
        <translation>이 안내 숨기기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="183"/>
        <source>Session pa&amp;nel</source>
        <translation>세션 패널(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="368"/>
        <source>The network unrolled, h over the whole sequence, ‖h_t‖ and ρ(W_hh)</source>
        <translation>펼친 네트워크, 시퀀스 전체의 h, ‖h_t‖와 ρ(W_hh)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="370"/>
        <location filename="../../rnn_stepper/ui/main_window.py" line="803"/>
        <source>∂ Backward</source>
        <translation>∂ 역전파</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="370"/>
        <source>Backpropagation through time, stepped back one phase per click</source>
        <translation>시간 역전파(BPTT), 클릭할 때마다 연산 하나씩 거슬러 갑니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="500"/>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="510"/>
        <source>&amp;Open…</source>
        <translation>열기(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="511"/>
        <source>Open &amp;Recent</source>
        <translation>최근 파일(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="513"/>
        <source>Open &amp;Example</source>
        <translation>예제 열기(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="517"/>
        <source>The Mysterious Island: a character LSTM, prompt to sampled text</source>
        <translation>신비의 섬: 문자 단위 LSTM, 프롬프트에서 샘플링한 텍스트까지</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="520"/>
        <source>Sentiment: a classifier over reviews of different lengths, packed</source>
        <translation>감성 분석: 길이가 다른 리뷰를 패킹해 분류하는 모델</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="523"/>
        <source>&amp;Import weights…</source>
        <translation>가중치 가져오기(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="525"/>
        <source>&amp;Save</source>
        <translation>저장(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="526"/>
        <source>Save &amp;As…</source>
        <translation>다른 이름으로 저장(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="527"/>
        <source>&amp;Export</source>
        <translation>내보내기(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="529"/>
        <source>Comparison plot (PNG or SVG)…</source>
        <translation>비교 그래프 (PNG 또는 SVG)…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="530"/>
        <source>Trace (JSON or CSV)…</source>
        <translation>트레이스 (JSON 또는 CSV)…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="531"/>
        <source>Slide (PNG)…</source>
        <translation>슬라이드 (PNG)…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="532"/>
        <source>Copy equation as LaTeX</source>
        <translation>식을 LaTeX로 복사</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="533"/>
        <source>Python snippet…</source>
        <translation>파이썬 코드…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="541"/>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="542"/>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="543"/>
        <source>&amp;Undo</source>
        <translation>실행 취소(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="544"/>
        <source>Back to the session before the last change: an edit, an option, imported weights or a whole Train run</source>
        <translation>마지막 변경 전의 세션으로 돌아갑니다: 편집, 옵션, 가져온 가중치, 또는 한 번의 학습 전체</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="546"/>
        <source>&amp;Redo</source>
        <translation>다시 실행(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="550"/>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="559"/>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="560"/>
        <source>&amp;About RNN Stepper</source>
        <translation>RNN Stepper 정보(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="566"/>
        <source>RNN Stepper {version}</source>
        <translation>RNN Stepper {version}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="568"/>
        <source>PyTorch is still loading.</source>
        <translation>PyTorch를 아직 불러오는 중입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="572"/>
        <source>Computed with {environment}.</source>
        <translation>계산 환경: {environment}.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="572"/>
        <source>{0} threads</source>
        <translation>스레드 {0}개</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="575"/>
        <source>Kernel order makes {0}&apos;s own calls on operands of the same shapes, strides and memory alignment, so it equals {0} bit for bit on any machine. {0}&apos;s own last bits, and how far the textbook order lands from them, depend on the PyTorch version, the BLAS library, the CPU&apos;s vector instructions and the thread count above: compare these before comparing numbers with a classmate.</source>
        <translation>커널 순서는 {0} 모듈과 똑같은 호출을 같은 모양, 같은 스트라이드, 같은 메모리 정렬의 피연산자로 수행하므로 어느 컴퓨터에서나 {0} 모듈과 비트 단위로 일치합니다. {0} 모듈 자체의 마지막 비트와 교과서 순서가 그것에서 얼마나 떨어지는지는 위의 PyTorch 버전, BLAS 라이브러리, CPU 벡터 명령어, 스레드 수에 따라 달라집니다. 친구와 숫자를 비교하기 전에 이것부터 비교하세요.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="582"/>
        <source>About RNN Stepper</source>
        <translation>RNN Stepper 정보</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="585"/>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="586"/>
        <source>&amp;Presentation mode</source>
        <translation>발표 모드(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="590"/>
        <source>Full screen, large fonts, high contrast, no side panel (F11)</source>
        <translation>전체 화면, 큰 글꼴, 높은 대비, 옆 패널 숨김 (F11)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="592"/>
        <source>Presentation &amp;font size</source>
        <translation>발표 글꼴 크기(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="600"/>
        <source>&amp;Colormap</source>
        <translation>색상표(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="602"/>
        <source>Blue – white – red</source>
        <translation>파랑 – 흰색 – 빨강</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="603"/>
        <source>Colour-blind safe: blue – white – yellow</source>
        <translation>색각 이상 친화: 파랑 – 흰색 – 노랑</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="610"/>
        <source>Hidden state on the ±1 &amp;scale</source>
        <translation>은닉 상태를 ±1 눈금으로(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="613"/>
        <source>Colour h over t on tanh&apos;s whole range, −1 to 1, instead of a scale fitted to its values</source>
        <translation>타임 스텝별 h를 값에 맞춘 눈금 대신 tanh의 전체 범위인 −1에서 1까지의 눈금으로 칠합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="617"/>
        <source>Predict, then &amp;reveal</source>
        <translation>예측 후 공개(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="621"/>
        <source>Step stops before the new hidden state; the next click reveals it, so the class can guess first (R)</source>
        <translation>타임 스텝이 새 은닉 상태 직전에 멈추고 다음 클릭에 공개합니다. 수강생이 먼저 예측해 볼 수 있습니다 (R)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="625"/>
        <source>&amp;Backward pass (5)</source>
        <translation>역전파(&amp;B) (5)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="659"/>
        <source>Predict, then reveal: on</source>
        <translation>예측 후 공개: 켬</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="660"/>
        <source>Predict, then reveal: off</source>
        <translation>예측 후 공개: 끔</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="707"/>
        <source>(none yet)</source>
        <translation>(아직 없음)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/app.py" line="95"/>
        <source>untitled</source>
        <translation>제목 없음</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="721"/>
        <source>Undone: the session before the last change is back (Ctrl+Shift+Z redoes it)</source>
        <translation>실행 취소: 마지막 변경 전의 세션으로 돌아왔습니다 (Ctrl+Shift+Z로 다시 실행)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="725"/>
        <source>Redone: the change is back</source>
        <translation>다시 실행: 변경이 다시 적용되었습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="762"/>
        <source>Stepping</source>
        <translation>스텝 진행</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="778"/>
        <source>Reset</source>
        <translation>처음으로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="778"/>
        <source>Back to before the first timestep</source>
        <translation>첫 타임 스텝 이전으로 돌아갑니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="779"/>
        <source>◀ Back</source>
        <translation>◀ 뒤로</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="779"/>
        <source>Undo one timestep</source>
        <translation>타임 스텝 하나를 되돌립니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="780"/>
        <source>◁ Phase</source>
        <translation>◁ 연산</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="780"/>
        <source>Undo one phase</source>
        <translation>연산 하나를 되돌립니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="781"/>
        <source>Phase ▷</source>
        <translation>연산 ▷</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="781"/>
        <source>Show the next phase of this timestep</source>
        <translation>이 타임 스텝의 다음 연산을 보여 줍니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="783"/>
        <source>Step ▶</source>
        <translation>타임 스텝 ▶</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="783"/>
        <source>Compute the next whole timestep, as one pass of the notebook&apos;s loop</source>
        <translation>노트북 반복문 한 번처럼 다음 타임 스텝 전체를 계산합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="786"/>
        <source>Run to end</source>
        <translation>끝까지</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="786"/>
        <source>Compute every remaining timestep</source>
        <translation>남은 타임 스텝을 모두 계산합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="788"/>
        <location filename="../../rnn_stepper/ui/main_window.py" line="849"/>
        <source>Play</source>
        <translation>재생</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="788"/>
        <source>Step automatically; again to pause</source>
        <translation>자동으로 진행합니다. 다시 누르면 멈춥니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="794"/>
        <source> steps/s</source>
        <translation> 스텝/초</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="795"/>
        <source>Play speed</source>
        <translation>재생 속도</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="805"/>
        <source>Backpropagation through time, stepped back one phase per click; again for the forward pass (5, and 1)</source>
        <translation>시간 역전파(BPTT), 클릭할 때마다 연산 하나씩 거슬러 갑니다; 다시 누르면 순전파 (5, 그리고 1)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="817"/>
        <source>layer </source>
        <translation>층 </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="818"/>
        <source>Which layer the step view shows</source>
        <translation>스텝 보기에 표시할 층</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="820"/>
        <location filename="../../rnn_stepper/ui/main_window.py" line="945"/>
        <source>forward</source>
        <translation>정방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="820"/>
        <location filename="../../rnn_stepper/ui/main_window.py" line="945"/>
        <source>reverse</source>
        <translation>역방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="821"/>
        <source>Which direction the step view shows</source>
        <translation>스텝 보기에 표시할 방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="825"/>
        <source>batch row </source>
        <translation>배치 행 </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="826"/>
        <source>Which sequence of the batch the step view shows</source>
        <translation>스텝 보기에 표시할 배치의 시퀀스</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="849"/>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="905"/>
        <source>Reading {0}…</source>
        <translation>{0} 읽는 중…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="908"/>
        <source>Computing the trace: {0} timesteps × {1} cells × {2} units…</source>
        <translation>트레이스 계산 중: 타임 스텝 {0}개 × 셀 {1}개 × 유닛 {2}개…</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="933"/>
        <source>Stopped. The session from before is still on show.</source>
        <translation>멈췄습니다. 이전 세션이 그대로 보입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="935"/>
        <source>Could not compute the trace ({0}). The session from before is still on show.</source>
        <translation>트레이스를 계산하지 못했습니다 ({0}). 이전 세션이 그대로 보입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="938"/>
        <source>Could not load the notebook&apos;s example: {0}</source>
        <translation>노트북 예제를 불러오지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="944"/>
        <source>{0} (step {1})</source>
        <translation>{0} (스텝 {1})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="945"/>
        <source>layer {0} {1}</source>
        <translation>{0}층 {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="948"/>
        <source>bitwise identical so far</source>
        <translation>지금까지 비트 단위로 일치</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="950"/>
        <source>max |Δ| so far {0}</source>
        <translation>지금까지 최대 |Δ| {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="951"/>
        <source>t = {0} of T = {1}   ·   {2}   ·   {3}   ·   {4} order   ·   {5}</source>
        <translation>t = {0} / T = {1}   ·   {2}   ·   {3}   ·   {4} 순서   ·   {5}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="963"/>
        <source>packed, lengths {0}</source>
        <translation>패킹됨, 길이 {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="965"/>
        <source>ended at t = {0}: sequence {1}</source>
        <translation>t = {0}에서 끝난 시퀀스: {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/main_window.py" line="970"/>
        <source>rows {0} end in zeros: if that is padding, it is stepped through (give lengths to pack the batch)</source>
        <translation>행 {0}: 0으로 끝납니다: 패딩이라면 그대로 스텝이 진행됩니다 (배치를 패킹하려면 길이를 주세요)</translation>
    </message>
</context>
<context>
    <name>MatrixView</name>
    <message>
        <location filename="../../rnn_stepper/ui/matrix_view.py" line="539"/>
        <source>dashed box: saturated, within 1% of the end of its range ({0} … {1})</source>
        <translation>점선 상자: 포화, 값의 범위({0} … {1}) 끝에서 1% 이내</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/matrix_view.py" line="834"/>
        <source>saturated: within 1% of the end of its range ({0} … {1})</source>
        <translation>포화: 값의 범위({0} … {1}) 끝에서 1% 이내</translation>
    </message>
</context>
<context>
    <name>ReviewTable</name>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="49"/>
        <source>output</source>
        <translation>출력</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="50"/>
        <source>review {0} ({1})</source>
        <translation>리뷰 {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="67"/>
        <source>Review {0}, t = {1}: token {2}, “{3}”: row {2} of the embedding is x_t</source>
        <translation>리뷰 {0}, t = {1}: 토큰 {2}, “{3}”: 임베딩의 {2}행이 x_t입니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="71"/>
        <source>Padding (id {0}) after review {1}&apos;s {2} words: embedded, but never stepped</source>
        <translation>리뷰 {1}의 단어 {2}개 뒤의 패딩(id {0}): 임베딩되지만 스텝은 진행되지 않습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="106"/>
        <source>see the head</source>
        <translation>헤드 참고</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/classifier_window.py" line="107"/>
        <source>The head&apos;s output for review {0}: revealed once its last real step is computed</source>
        <translation>리뷰 {0}에 대한 헤드의 출력: 마지막 실제 스텝이 계산되면 공개됩니다</translation>
    </message>
</context>
<context>
    <name>SeedBox</name>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="32"/>
        <source>none: weights from a file or edited</source>
        <translation>없음: 파일에서 읽었거나 편집한 가중치</translation>
    </message>
</context>
<context>
    <name>SequencePanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="91"/>
        <source>Click a unit&apos;s number to follow it in the comparison plot, or to stop following it</source>
        <translation>유닛 번호를 클릭하면 비교 그래프에서 그 유닛을 따라가거나 따라가기를 멈춥니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="103"/>
        <source>{0}_t (units × t)</source>
        <translation>{0}_t (유닛 × t)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="149"/>
        <source>ρ(W_hh), largest over its gate blocks</source>
        <translation>ρ(W_hh), 게이트 블록 중 가장 큰 값</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="151"/>
        <source>spectral radius {0}: n/a, W_hh&apos;s blocks are {1} × {2}, not square (proj_size)</source>
        <translation>스펙트럼 반경 {0}: 해당 없음 (n/a), W_hh의 블록이 {1} × {2}로 정사각 행렬이 아닙니다 (proj_size)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="159"/>
        <source>spectral radius {0}: none, W_hh holds NaN or Inf</source>
        <translation>스펙트럼 반경 {0}: 없음, W_hh에 NaN 또는 Inf가 있습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="161"/>
        <source>spectral radius {0}: n/a for this W_hh</source>
        <translation>스펙트럼 반경 {0}: 이 W_hh에는 해당 없음 (n/a)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="163"/>
        <source>spectral radius {0} = {1:.3f}, {2}</source>
        <translation>스펙트럼 반경 {0} = {1:.3f}, {2}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="212"/>
        <source>below 1: the recurrent products alone let old inputs fade, but the gates decide what the state keeps, and can keep it far longer</source>
        <translation>1보다 작음: 순환 곱만 보면 오래된 입력은 흐려지지만, 상태에 무엇을 남길지는 게이트가 정하며 훨씬 오래 남길 수도 있습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="214"/>
        <source>above 1: the recurrent products can amplify old inputs, but the gates and tanh keep h within (−1, 1)</source>
        <translation>1보다 큼: 순환 곱이 오래된 입력을 키울 수 있지만, 게이트와 tanh가 h를 (−1, 1) 안에 붙잡아 둡니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="218"/>
        <source>below 1: old inputs fade step by step — a short memory; ReLU never saturates, it sets negative sums to 0</source>
        <translation>1보다 작음: 오래된 입력은 스텝마다 흐려집니다 — 기억이 짧습니다. ReLU는 포화하지 않고 음수인 합을 0으로 만듭니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="222"/>
        <source>below 1: old inputs fade step by step — a short memory, far from saturation</source>
        <translation>1보다 작음: 오래된 입력은 스텝마다 흐려집니다 — 기억이 짧고 포화와는 거리가 멉니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="223"/>
        <source>above 1: the state can grow until tanh saturates at ±1 — a long memory, little nuance</source>
        <translation>1보다 큼: 상태가 커져 tanh가 ±1에서 포화될 수 있습니다 — 기억은 길지만 섬세함이 줄어듭니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/sequence_panel.py" line="220"/>
        <source>above 1: with ReLU the state can grow without bound</source>
        <translation>1보다 큼: ReLU에서는 상태가 한없이 커질 수 있습니다</translation>
    </message>
</context>
<context>
    <name>SequenceTable</name>
    <message>
        <location filename="../../rnn_stepper/ui/editors.py" line="263"/>
        <source>t={0}, column {1}: {2}</source>
        <translation>t={0}, {1}열: {2}</translation>
    </message>
</context>
<context>
    <name>SessionFiles</name>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="172"/>
        <source>Could not open the session</source>
        <translation>세션을 열 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="208"/>
        <source>Could not save the session</source>
        <translation>세션을 저장할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="214"/>
        <source>Saved {0}</source>
        <translation>{0}에 저장했습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="222"/>
        <source>Save session</source>
        <translation>세션 저장</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="223"/>
        <source>RNN Stepper sessions (*{0})</source>
        <translation>RNN Stepper 세션 (*{0})</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="230"/>
        <source>Open session</source>
        <translation>세션 열기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="231"/>
        <source>RNN Stepper sessions (*{0});;JSON (*.json)</source>
        <translation>RNN Stepper 세션 (*{0});;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="290"/>
        <source>Imported {0}; nonlinearity={1} is kept (a state dict does not record it)</source>
        <translation>가져왔습니다: {0}. nonlinearity={1} 설정은 그대로입니다 (state dict에 기록되지 않음)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="298"/>
        <source>; the input&apos;s columns were fitted to input_size={0}</source>
        <translation>. 입력의 열을 input_size={0}에 맞췄습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="300"/>
        <source>; its head {0} joins the backward page&apos;s losses (a prediction of the next input, or a classifier&apos;s cross-entropy)</source>
        <translation>; 출력층 {0}도 역전파 페이지의 손실 목록에 들어갑니다(다음 입력의 예측, 또는 분류기의 교차 엔트로피)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="321"/>
        <source>not enough memory to read it</source>
        <translation>읽을 메모리가 부족합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="324"/>
        <source>Could not import the weights</source>
        <translation>가중치를 가져올 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="330"/>
        <source>(top level)</source>
        <translation>(최상위)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="244"/>
        <source>Import the weights of an nn.RNN, nn.GRU or nn.LSTM</source>
        <translation>nn.RNN, nn.GRU 또는 nn.LSTM의 가중치 가져오기</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="245"/>
        <source>Weights, recognised by their content (*);;PyTorch checkpoints (*.pt *.pth *.bin *.ckpt *.tar *.params);;safetensors (*.safetensors);;numpy (*.npz)</source>
        <translation>가중치 (내용으로 알아봄) (*);;PyTorch 체크포인트 (*.pt *.pth *.bin *.ckpt *.tar *.params);;safetensors (*.safetensors);;numpy (*.npz)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="293"/>
        <source>Imported {0}</source>
        <translation>가져왔습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="295"/>
        <source>The only {1} in the file sits under &apos;{0}&apos;. </source>
        <translation>파일에 하나뿐인 {1}의 위치: &apos;{0}&apos; 아래. </translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="333"/>
        <source>Which recurrent module?</source>
        <translation>어떤 순환 모듈인가요?</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="334"/>
        <source>This checkpoint holds several recurrent modules; import which?</source>
        <translation>이 체크포인트에는 순환 모듈이 여러 개 있습니다. 어느 것을 가져올까요?</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="360"/>
        <source>Unsaved changes</source>
        <translation>저장하지 않은 변경 사항</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="361"/>
        <source>The session has changes that are not saved. Save them first?</source>
        <translation>세션에 저장하지 않은 변경 사항이 있습니다. 먼저 저장할까요?</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="387"/>
        <source>This session holds {0:,} numbers, too many to autosave every few seconds; save it with Ctrl+S.</source>
        <translation>이 세션에는 숫자가 {0:,}개 있어 몇 초마다 자동 저장하기에는 너무 많습니다. Ctrl+S로 저장하세요.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="406"/>
        <source>Autosave failed: {0}</source>
        <translation>자동 저장 실패: {0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="431"/>
        <source>Restore the last session?</source>
        <translation>마지막 세션을 복원할까요?</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="432"/>
        <source>RNN Stepper did not close normally. Restore the unsaved session it autosaved at {0}?</source>
        <translation>RNN Stepper가 정상적으로 종료되지 않았습니다. {0}에 자동 저장된, 저장하지 않은 세션을 복원할까요?</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="462"/>
        <source>It was set aside as {0} and will not be offered again.</source>
        <translation>이 파일은 따로 옮겨 두었으며(위치: {0}) 다시 묻지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="465"/>
        <source>It could not be set aside, so it was deleted.</source>
        <translation>파일을 옮겨 둘 수 없어 삭제했습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="468"/>
        <source>The session autosaved before the crash could not be restored: {0}. {1}</source>
        <translation>비정상 종료 전에 자동 저장된 세션을 복원하지 못했습니다: {0}. {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="467"/>
        <source>Could not restore the session</source>
        <translation>세션을 복원할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/session_files.py" line="191"/>
        <source>Restored the session from before the crash (not yet saved).</source>
        <translation>비정상 종료 전의 세션을 복원했습니다 (아직 저장되지 않음).</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../rnn_stepper/ui/settings.py" line="93"/>
        <source>The setting {key}={value} in {file} is not valid ({why}); using {default}</source>
        <translation>설정 파일 {file}의 {key}={value} 값이 올바르지 않아 ({why}) 기본값을 씁니다: {default}</translation>
    </message>
</context>
<context>
    <name>StagesWindow</name>
    <message>
        <location filename="../../rnn_stepper/ui/stages_window.py" line="81"/>
        <source>The embedding table</source>
        <translation>임베딩 표</translation>
    </message>
</context>
<context>
    <name>StepPanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="212"/>
        <source>Click any number of the strip or of the h heatmap (or Tab to it and press Enter) to see how it was computed</source>
        <translation>벡터 줄이나 h 히트맵의 숫자를 클릭하면(또는 Tab으로 옮겨 Enter를 누르면) 그 숫자가 어떻게 계산되었는지 보입니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="324"/>
        <source>{0}₀ (initial)</source>
        <translation>{0}₀ (초기값)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="328"/>
        <source>The state this step reads. The reverse direction walks t = T-1 … 0, so it reads {0}_t+1, computed the click before; at its first step (t = T-1) it reads the initial state {0}₀.</source>
        <translation>이 스텝이 읽는 상태입니다. 역방향은 t = T-1 … 0 순서로 진행하므로 바로 전 클릭에서 계산한 {0}_t+1을 읽습니다. 첫 스텝(t = T-1)에서는 초기 상태 {0}₀을 읽습니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="332"/>
        <source>The state this step reads: {0}_t-1, computed the click before; at the first step the initial state {0}₀ (zeros unless given).</source>
        <translation>이 스텝이 읽는 상태: 바로 전 클릭에서 계산한 {0}_t-1입니다. 첫 스텝에서는 초기 상태 {0}₀입니다 (주어지지 않으면 0).</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="341"/>
        <source>input</source>
        <translation>입력</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="341"/>
        <source>The input at time step t</source>
        <translation>타임 스텝 t의 입력</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="343"/>
        <source>h&lt;sub&gt;t&lt;/sub&gt; of layer {0}</source>
        <translation>{0}층의 h&lt;sub&gt;t&lt;/sub&gt;</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="344"/>
        <source>Layer {0}&apos;s input is layer {1}&apos;s h_t</source>
        <translation>{0}층의 입력은 {1}층의 h_t입니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="345"/>
        <source>layer {0}: [→ ‖ ←]</source>
        <translation>{0}층: [→ ‖ ←]</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="346"/>
        <source>Layer {0}&apos;s input is layer {1}&apos;s output [forward ‖ reverse]: rows →0 … are the forward direction&apos;s h_t, rows ←0 … the reverse direction&apos;s, joined at the line</source>
        <translation>{0}층의 입력은 {1}층의 출력 [정방향 ‖ 역방향]입니다: →0 … 행은 정방향의 h_t, ←0 … 행은 역방향의 h_t이며 선에서 이어집니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="428"/>
        <source>Every state and pre-activation of the strip on one colour scale, symmetric about zero; the gates on 0 … 1; x_t on a scale of its own (±{0}). A dashed edge marks a saturated value: within 1% of the end of tanh&apos;s (-1 … 1) or σ&apos;s (0 … 1) range.</source>
        <translation>스트립의 모든 상태와 활성화 전 값은 0을 중심으로 대칭인 하나의 색 척도, 게이트는 0 … 1, x_t는 자기 척도(±{0})를 씁니다. 점선 테두리는 포화된 값입니다: tanh(-1 … 1) 또는 σ(0 … 1) 범위의 끝에서 1% 이내.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="435"/>
        <source>layer {0}, {1}</source>
        <translation>{0}층, {1}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="435"/>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="553"/>
        <source>reverse</source>
        <translation>역방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="435"/>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="553"/>
        <source>forward</source>
        <translation>정방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="444"/>
        <source>Time step t = {0} ({1}): sequence {2} has ended</source>
        <translation>타임스텝 t = {0} ({1}): 시퀀스 {2}: 끝났습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="445"/>
        <source>Sequence {0}&apos;s length is {1}. A packed batch (pack_padded_sequence with lengths {2}) steps only the sequences still running: {3} of {4} at t = {5}. Nothing is computed for sequence {0} here, and its h_n is its last real step&apos;s.</source>
        <translation>시퀀스 {0}의 길이는 {1}스텝입니다. 패킹된 배치(길이 {2}의 pack_padded_sequence)는 아직 진행 중인 시퀀스만 스텝합니다: t = {5}에서 {4}개 중 {3}개. 여기서는 시퀀스 {0}에 대해 아무것도 계산하지 않으며, 그 h_n은 마지막 실제 스텝의 값입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="452"/>
        <source>Ready at time step {0} ({1}). Press Step (Space) to compute it.</source>
        <translation>타임 스텝 {0} ({1}) 준비 완료. 타임 스텝(Space)을 눌러 계산하세요.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="453"/>
        <source>Each click on Step runs one pass of the loop: {0}. Step phase (Shift+→) shows one at a time.</source>
        <translation>타임 스텝을 누를 때마다 반복문이 한 번 돕니다: {0}. 연산(Shift+→)은 하나씩 보여 줍니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="439"/>
        <source>Time step t = {0} (step {1} of {2}, {3}) — phase {4} of {5}: {6}</source>
        <translation>타임 스텝 t = {0} ({2}개 중 {1}번째, {3}) — 연산 {5}개 중 {4}번째: {6}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="465"/>
        <source>states, sums</source>
        <translation>상태·합</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="468"/>
        <source>dashed box: saturated</source>
        <translation>점선 상자: 포화</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="734"/>
        <source>its numbers beside</source>
        <translation>값은 옆에</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="467"/>
        <source>gates</source>
        <translation>게이트</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="550"/>
        <source>x_{0}[{1}] is the input you gave: nothing computed it</source>
        <translation>x_{0}[{1}]: 주어진 입력입니다. 계산된 값이 아닙니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="554"/>
        <source>x_{0}[{1}] is h_{0}[{2}] of layer {3}, {4}: choose that layer to see how it was computed</source>
        <translation>x_{0}[{1}]: 층 {3}, {4}의 h_{0}[{2}]입니다. 그 층을 골라 어떻게 계산되었는지 보세요</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="562"/>
        <source>{0}[{1}] is the initial state h₀: given with the session, or zeros; nothing computed it</source>
        <translation>{0}[{1}]는 초기 상태 h₀입니다: 세션과 함께 주어졌거나 0이며, 계산된 값이 아닙니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="741"/>
        <source>In the reverse direction the walk goes t = T-1 … 0: the state it reads is h_t+1, computed the click before, and at t = T-1 the initial state.</source>
        <translation>역방향은 t = T-1 … 0 순서로 진행합니다: 읽는 상태는 바로 전 클릭에서 계산한 h_t+1이며, t = T-1에서는 초기 상태입니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/step_panel.py" line="745"/>
        <source>Textbook order: {0}. {1}.</source>
        <translation>교과서 순서: {0}. {1}.</translation>
    </message>
</context>
<context>
    <name>TraceLabels</name>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="20"/>
        <source>time step {t} =&gt;</source>
        <translation>타임 스텝 {t} =&gt;</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="21"/>
        <source>layer {layer}, {direction}</source>
        <translation>{layer}층, {direction}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="22"/>
        <source>forward</source>
        <translation>정방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="23"/>
        <source>reverse</source>
        <translation>역방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="24"/>
        <source>input</source>
        <translation>입력</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="29"/>
        <source>{module} output</source>
        <translation>{module} 출력</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="32"/>
        <source>bitwise identical to {module}: yes</source>
        <translation>{module} 출력과 비트 단위로 일치: 예</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="33"/>
        <source>bitwise identical to {module}: no</source>
        <translation>{module} 출력과 비트 단위로 일치: 아니오</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="44"/>
        <source>note: dropout={p} only acts in training mode; {module} is evaluated in eval mode here</source>
        <translation>참고: dropout={p}은 학습 모드에서만 작동합니다. 여기서는 {module} 모듈을 평가 모드로 실행합니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="30"/>
        <source>max |Δ|</source>
        <translation>최대 |Δ|</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="25"/>
        <source>initial</source>
        <translation>초기값</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="26"/>
        <source>input x_t = h_t of layer {below}</source>
        <translation>입력 x_t = {below}층의 h_t</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="27"/>
        <source>input x_t = [forward ‖ reverse] h_t of layer {below}: its first half the forward direction&apos;s, its second half the reverse direction&apos;s</source>
        <translation>입력 x_t = {below}층의 [정방향 ‖ 역방향] h_t: 앞쪽 절반은 정방향, 뒤쪽 절반은 역방향의 값</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="31"/>
        <source>ulp</source>
        <translation>ulp</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="34"/>
        <source>the values are equal; only the sign of a zero differs (-0.0 against 0.0)</source>
        <translation>값은 같고, 0의 부호만 다릅니다(-0.0 대 0.0)</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="35"/>
        <source>max |Δ| = {diff} ({ulps} ulp), {order} order, {dtype}, {threads} threads</source>
        <translation>최대 |Δ| = {diff} ({ulps} ulp), {order} 순서, {dtype}, 스레드 {threads}개</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="36"/>
        <source>textbook order: {name}</source>
        <translation>교과서 순서: {name}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="37"/>
        <source>{module} is run on its native path (oneDNN off): the step-by-step cell this computation replays</source>
        <translation>{module} 모듈은 네이티브 경로(oneDNN 끔)로 실행합니다: 이 계산이 한 단계씩 그대로 재현하는 셀입니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="39"/>
        <source>your PyTorch computes this {module} with oneDNN&apos;s fused kernel ({kernel}); its bits differ from the step-by-step cell: {ulps} ulp, max |Δ| = {diff}</source>
        <translation>이 PyTorch는 이 {module} 모듈을 oneDNN의 융합 커널({kernel})로 계산합니다. 그 비트는 단계별 셀과 다릅니다: {ulps} ulp, 최대 |Δ| = {diff}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="41"/>
        <source>your PyTorch computes this {module} with oneDNN&apos;s fused kernel ({kernel}); here its bits agree with the step-by-step cell</source>
        <translation>이 PyTorch는 이 {module} 모듈을 oneDNN의 융합 커널({kernel})로 계산합니다. 여기서는 그 비트가 단계별 셀과 같습니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="43"/>
        <source>note: NaN or Inf in the hidden states; they propagate as PyTorch propagates them</source>
        <translation>참고: 은닉 상태에 NaN 또는 Inf가 있습니다. PyTorch와 같은 방식으로 전파됩니다</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="46"/>
        <source>computed with {environment}</source>
        <translation>계산 환경: {environment}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="47"/>
        <source>{0} threads</source>
        <translation>스레드 {0}개</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="48"/>
        <source>{phase}: the notebook&apos;s printed digits exactly</source>
        <translation>{phase}: 노트북이 출력한 숫자와 정확히 같음</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/trace_labels.py" line="49"/>
        <source>{phase}: {ulps} ulp from the notebook&apos;s printout at t = {steps}; the notebook ran on another CPU, where the BLAS took another code path</source>
        <translation>{phase}: t = {steps}에서 노트북 출력과 {ulps} ulp 차이; 노트북은 다른 CPU에서 실행되어 BLAS가 다른 코드 경로를 탔습니다</translation>
    </message>
</context>
<context>
    <name>UnrolledView</name>
    <message>
        <location filename="../../rnn_stepper/ui/unrolled.py" line="73"/>
        <source>The network unrolled: a box per layer, direction and time step. Arrows show the way each direction walks; filled boxes are computed, the lit one is on show. Click a box to go there.</source>
        <translation>펼친 네트워크: 층, 방향, 타임 스텝마다 상자 하나. 화살표는 각 방향이 진행하는 쪽을 보여 줍니다. 채워진 상자는 계산된 것이고, 강조된 상자가 지금 보이는 스텝입니다. 상자를 클릭하면 그곳으로 이동합니다.</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/unrolled.py" line="99"/>
        <source>L{0}</source>
        <translation>L{0}</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/unrolled.py" line="227"/>
        <source>reverse</source>
        <translation>역방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/unrolled.py" line="227"/>
        <source>forward</source>
        <translation>정방향</translation>
    </message>
    <message>
        <location filename="../../rnn_stepper/ui/unrolled.py" line="228"/>
        <source>layer {0}, {1}, t = {2}: click to show this step</source>
        <translation>{0}층, {1}, t = {2}: 클릭하면 이 스텝을 보여 줍니다</translation>
    </message>
</context>
<context>
    <name>WeightsPanel</name>
    <message>
        <location filename="../../rnn_stepper/ui/weights_panel.py" line="132"/>
        <source>Type a value and press Enter; Esc cancels</source>
        <translation>값을 입력하고 Enter를 누르세요. Esc는 취소</translation>
    </message>
</context>
</TS>
